package org.vpsrecovery.adapters.http.facade;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.vpsrecovery.domain.common.TeamId;

/**
 * One of a team's static tokens (a service account), kept as its SHA-256 only, with an id (named in
 * the audit, never the token) and an optional not-after: several are active at once, so a new one is
 * handed out before the old one stops working (ADR 0034).
 */
public record ServiceToken(TeamId team, String id, String sha256Hex, Optional<Instant> notAfter) {

    /** The id of the token {@code vpsr.teams.<team>.token-sha256} configures (no expiry unless {@code tokens.default.not-after}). */
    public static final String DEFAULT_ID = "default";
    public static final Pattern ID = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    public ServiceToken {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sha256Hex, "digest");
        Objects.requireNonNull(notAfter, "not-after (may be empty, not null)");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a token id is 1-63 lower-case letters, digits or inner hyphens");
        }
    }

    /** The audit's name for the service account: team and token id. */
    public String subject() {
        return team.value() + "/" + id;
    }

    boolean validAt(Instant now) {
        return notAfter.map(end -> !now.isAfter(end)).orElse(true);
    }
}
