package org.vpsrecovery.application.attempt;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.server.ServerStatus;

/**
 * A server's status as far as the platform learns it. The provider offers no status read in our
 * sources, but restores go through us: a restore the provider took less than {@code restoreWindow}
 * ago (its documented 15 minutes by default) means the server is still restoring. Otherwise the
 * status is unknown and the provider judges.
 */
public final class ServerStates {

    /** The provider documents restores as taking 5 to 15 minutes. */
    public static final Duration DOCUMENTED_RESTORE_WINDOW = Duration.ofMinutes(15);

    private final AuditHistory history;
    private final Clock clock;
    private final Duration restoreWindow;

    public ServerStates(AuditHistory history, Clock clock, Duration restoreWindow) {
        this.history = Objects.requireNonNull(history, "history");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.restoreWindow = Objects.requireNonNull(restoreWindow, "restore window");
        if (restoreWindow.isNegative()) {
            throw new IllegalArgumentException("restore window must not be negative");
        }
    }

    public Server current(ServerRef server) {
        if (restoreWindow.isZero()) {
            return new Server(server, ServerStatus.UNKNOWN);
        }
        AuditQuery recentRestores = AuditQuery.latest(1)
                .forServer(server.id())
                .withOperations(Set.of(Operation.RESTORE_SNAPSHOT, Operation.RESTORE_SERVER_FROM_BACKUP))
                .withOutcome(Outcome.Kind.COMPLETED)
                .since(clock.instant().minus(restoreWindow));
        boolean restoring = !history.query(recentRestores).isEmpty();
        return new Server(server, restoring ? ServerStatus.RESTORING : ServerStatus.UNKNOWN);
    }
}
