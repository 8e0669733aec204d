package org.vpsrecovery.domain.server;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.vpsrecovery.domain.common.TeamId;

/**
 * A restore's hold on its server {@code server}: from {@code since} (when the restore began: its intent, or for an
 * approved restore its run, not its ask; ADR 0040, amended in session 43) until {@code until}
 * (the end of the restore window: VPS.org has no server status read, so the window's end is the
 * end the platform knows). Meanwhile the server takes no second restore and {@code source} is not
 * deleted. {@code operation} is the id of the restore's operation, where the hold is stored; {@code team} the team
 * that asked the restore. The teams file may have moved the server to another team since (ADR 0026, amended in
 * sessions 38 and 39): that team is told the hold's window (its server is held), never the operation or the source,
 * which are the asking team's ({@link #operationToldTo}, {@link #sourceToldTo}).
 */
public record RestoreHold(ServerId server, TeamId team, UUID operation, Instant since, Instant until,
                          RecoverySource source) {

    public RestoreHold {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(team, "team that asked the restore");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(source, "source");
        if (!until.isAfter(since)) {
            throw new IllegalArgumentException("a restore hold ends after it begins");
        }
    }

    /** Whether {@code asker} is the team that asked this restore. */
    public boolean askedBy(TeamId asker) {
        return team.equals(asker);
    }

    /** The restore's operation, told only to the team that asked it. */
    public Optional<UUID> operationToldTo(TeamId asker) {
        return askedBy(asker) ? Optional.of(operation) : Optional.empty();
    }

    /** The point the restore reads (a backup may be of another of the asking team's servers), told only to that team. */
    public Optional<RecoverySource> sourceToldTo(TeamId asker) {
        return askedBy(asker) ? Optional.of(source) : Optional.empty();
    }

    /** Whether the window has ended at {@code at}. */
    public boolean isOverAt(Instant at) {
        return !at.isBefore(until);
    }

    public boolean readsFrom(RecoverySource.Kind kind, long id) {
        return source.is(kind, id);
    }
}
