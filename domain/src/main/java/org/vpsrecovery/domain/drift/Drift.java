package org.vpsrecovery.domain.drift;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * One drift of one recovery point, recorded once (ADR 0035). {@code seen} is the platform's words on
 * what the scan saw; a resolvable drift ({@link DriftKind#resolvable()}) gets a resolution once it
 * goes away.
 */
public record Drift(TeamId team, ServerId server, ResourceRef point, DriftKind kind, Instant detectedAt, String seen,
                    Optional<Resolution> resolution) {

    public static final int MAX_TEXT = AuditEvent.MAX_DETAIL_VALUE_LENGTH;

    public Drift {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detectedAt, "detected at");
        Objects.requireNonNull(seen, "seen");
        Objects.requireNonNull(resolution, "resolution (may be empty, not null)");
        if (seen.isBlank() || !AuditEvent.fitsDetailValue(seen)) {
            throw new IllegalArgumentException("seen must be 1-" + MAX_TEXT + " characters");
        }
        if (resolution.isPresent() && !kind.resolvable()) {
            throw new IllegalArgumentException(kind.wireName() + " is a fact of the past: it is not resolved");
        }
        if (resolution.isPresent() && resolution.get().at().isBefore(detectedAt)) {
            throw new IllegalArgumentException("a drift is resolved after it was detected");
        }
    }

    public static Drift detected(TeamId team, ServerId server, ResourceRef point, DriftKind kind, Instant at, String seen) {
        return new Drift(team, server, point, kind, at, AuditEvent.detailValue(seen), Optional.empty());
    }

    public boolean isOpen() {
        return kind.resolvable() && resolution.isEmpty();
    }

    /**
     * Resolved at {@code at}, or at the detection time if {@code at} is earlier: the detection may have been made on
     * another instance whose clock runs ahead. The drift was open when detected, so it cannot have gone before; the
     * detection time is the earliest time both records allow, and the truest one the platform has.
     */
    public Drift resolved(Instant at, String how) {
        if (!isOpen()) {
            throw new IllegalStateException("only an open drift is resolved");
        }
        Instant notBeforeDetection = at.isBefore(detectedAt) ? detectedAt : at;
        return new Drift(team, server, point, kind, detectedAt, seen,
                Optional.of(new Resolution(notBeforeDetection, AuditEvent.detailValue(how))));
    }

    /** When and why a drift went away. */
    public record Resolution(Instant at, String how) {
        public Resolution {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(how, "how");
            if (how.isBlank() || !AuditEvent.fitsDetailValue(how)) {
                throw new IllegalArgumentException("how must be 1-" + MAX_TEXT + " characters");
            }
        }
    }
}
