package org.vpsrecovery.domain.idempotency;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.vpsrecovery.domain.common.TeamId;

/**
 * Whose Idempotency-Keys a record belongs to: a team's (stored as the team's id, as before auditors had keys) or
 * an auditor's ({@code auditor:<name>}; a colon is never in a team's id, so the two never share a key).
 */
public record IdempotencyScope(String value) {

    private static final String AUDITOR = "auditor:";
    private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    public IdempotencyScope {
        Objects.requireNonNull(value, "idempotency scope");
        String name = value.startsWith(AUDITOR) ? value.substring(AUDITOR.length()) : value;
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an idempotency scope is a team's id or auditor:<name>");
        }
    }

    public static IdempotencyScope of(TeamId team) {
        return new IdempotencyScope(Objects.requireNonNull(team, "team").value());
    }

    public static IdempotencyScope auditor(String name) {
        return new IdempotencyScope(AUDITOR + Objects.requireNonNull(name, "auditor name"));
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
