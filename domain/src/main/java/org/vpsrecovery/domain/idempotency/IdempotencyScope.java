package org.vpsrecovery.domain.idempotency;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.AuditorName;
import org.vpsrecovery.domain.common.TeamId;

/**
 * Whose Idempotency-Keys a record belongs to: a team's (stored as the team's id, as before auditors had keys) or
 * an auditor's ({@code auditor:<name>}; a colon is never in a team's id, so the two never share a key).
 */
public record IdempotencyScope(String value) {

    private static final String AUDITOR = "auditor:";

    public IdempotencyScope {
        Objects.requireNonNull(value, "idempotency scope");
        try {
            if (value.startsWith(AUDITOR)) {
                new AuditorName(value.substring(AUDITOR.length()));
            } else {
                new TeamId(value);
            }
        } catch (IllegalArgumentException notAName) {
            throw new IllegalArgumentException("an idempotency scope is a team's id or auditor:<name>", notAName);
        }
    }

    public static IdempotencyScope of(TeamId team) {
        return new IdempotencyScope(Objects.requireNonNull(team, "team").value());
    }

    public static IdempotencyScope of(AuditorName auditor) {
        return new IdempotencyScope(AUDITOR + Objects.requireNonNull(auditor, "auditor").value());
    }

    /** The team whose keys these are; empty for an auditor's. */
    public Optional<TeamId> team() {
        return value.startsWith(AUDITOR) ? Optional.empty() : Optional.of(new TeamId(value));
    }

    @Override
    public String toString() {
        return value;
    }
}
