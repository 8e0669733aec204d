package org.vpsrecovery.domain.server;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A restore's hold on its server {@code server}: from {@code since} (the restore's intent) until {@code until}
 * (the end of the restore window: VPS.org has no server status read, so the window's end is the
 * end the platform knows). Meanwhile the server takes no second restore and {@code source} is not
 * deleted. {@code operation} is the id of the restore's operation, where the hold is stored.
 * {@code anotherTeams}: the restore was asked by a team that no longer owns the server (the teams file moved it),
 * so its operation and source are that team's, not to be shown to the owner now (ADR 0026, amended in session 38).
 */
public record RestoreHold(ServerId server, UUID operation, Instant since, Instant until, RecoverySource source,
                          boolean anotherTeams) {

    /** A hold of the server's owner's own restore. */
    public RestoreHold(ServerId server, UUID operation, Instant since, Instant until, RecoverySource source) {
        this(server, operation, since, until, source, false);
    }

    public RestoreHold {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(source, "source");
        if (!until.isAfter(since)) {
            throw new IllegalArgumentException("a restore hold ends after it begins");
        }
    }

    /** This hold as the server's owner sees it when the restore is another team's: its window, not whose it is. */
    public RestoreHold ofAnotherTeam() {
        return new RestoreHold(server, operation, since, until, source, true);
    }

    /** Whether the window has ended at {@code at}. */
    public boolean isOverAt(Instant at) {
        return !at.isBefore(until);
    }

    public boolean readsFrom(RecoverySource.Kind kind, long id) {
        return source.is(kind, id);
    }
}
