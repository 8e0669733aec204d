package org.vpsrecovery.domain.hold;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * A hold on one snapshot or backup: while it is not released, nobody deletes the point (retention
 * included: {@link RecoveryPointHeldPolicy}). {@code team} owns the point's server; {@code placedBy} is
 * that team, or an auditor for a {@link HoldKind#LEGAL legal} hold.
 */
public record RecoveryPointHold(HoldId id, TeamId team, ServerId server, ResourceRef point, HoldKind kind,
                                HoldReason reason, HoldActor placedBy, Instant placedAt, Optional<Release> release) {

    /** Who ended the hold, and when. */
    public record Release(HoldActor by, Instant at) {
        public Release {
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(at, "at");
        }
    }

    public RecoveryPointHold {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(placedBy, "placed by");
        Objects.requireNonNull(placedAt, "placed at");
        Objects.requireNonNull(release, "release");
        if (placedBy.places() != kind) {
            throw new IllegalArgumentException("a " + kind.wireName() + " hold is not placed by " + placedBy.wireName());
        }
        if (placedBy instanceof HoldActor.Team t && !t.team().equals(team)) {
            throw new IllegalArgumentException("a team holds only its own points");
        }
        if (release.filter(r -> r.at().isBefore(placedAt)).isPresent()) {
            throw new IllegalArgumentException("a hold is released after it is placed");
        }
    }

    /** A new hold, in force from {@code at}. */
    public static RecoveryPointHold place(HoldId id, TeamId team, ServerId server, ResourceRef point, HoldReason reason,
                                          HoldActor by, Instant at) {
        return new RecoveryPointHold(id, team, server, point, by.places(), reason, by, at, Optional.empty());
    }

    public boolean isActive() {
        return release.isEmpty();
    }

    /**
     * Who may end it: the team its own hold, an auditor a legal one. A legal hold refused to a team is
     * {@code LEGAL_HOLD_NOT_RELEASABLE}; a team's hold refused to an auditor is {@code FORBIDDEN_FOR_ROLE}
     * (auditors act on legal holds only); a released one is {@code HOLD_ALREADY_RELEASED}.
     */
    public Decision releasableBy(HoldActor actor) {
        return releasableBy(actor, team);
    }

    /**
     * The same rule, a team's hold releasable by {@code serversOwner}: the team that owns the hold's server now, which
     * after a teams-file move is no longer the team the hold was placed for (the point is the new owner's to delete).
     */
    public Decision releasableBy(HoldActor actor, TeamId serversOwner) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(serversOwner, "servers owner");
        if (!isActive()) {
            return Decision.deny(ReasonCode.HOLD_ALREADY_RELEASED, "hold " + id + " was released at "
                    + release.get().at() + " by " + release.get().by().wireName());
        }
        return switch (kind) {
            case LEGAL -> actor instanceof HoldActor.Auditor ? Decision.allow()
                    : Decision.deny(ReasonCode.LEGAL_HOLD_NOT_RELEASABLE, "hold " + id
                            + " is a legal hold placed by an auditor; only an auditor releases it");
            case TEAM -> actor instanceof HoldActor.Team t && t.team().equals(serversOwner) ? Decision.allow()
                    : Decision.deny(ReasonCode.FORBIDDEN_FOR_ROLE, "hold " + id
                            + " is the team's own hold; auditors place and release legal holds only");
        };
    }

    /** The released hold; the rule of {@link #releasableBy} first. */
    public RecoveryPointHold releasedBy(HoldActor actor, Instant at) {
        return releasedBy(actor, team, at);
    }

    /**
     * The released hold; the rule of {@link #releasableBy(HoldActor, TeamId)} first. Released at {@code at}, or at the
     * placing if {@code at} is earlier: the hold may have been placed on another instance whose clock runs ahead. It
     * was in force once placed, so it cannot have ended before; as {@code Drift.resolved}, the earliest time both
     * records allow (refused here, the release's attempt took the refusal for a store failure: ADR 0029, session 47).
     */
    public RecoveryPointHold releasedBy(HoldActor actor, TeamId serversOwner, Instant at) {
        releasableBy(actor, serversOwner).orThrow();
        Instant notBeforePlacing = at.isBefore(placedAt) ? placedAt : at;
        return new RecoveryPointHold(id, team, server, point, kind, reason, placedBy, placedAt,
                Optional.of(new Release(actor, notBeforePlacing)));
    }
}
