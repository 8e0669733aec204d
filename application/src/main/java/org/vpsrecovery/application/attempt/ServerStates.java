package org.vpsrecovery.application.attempt;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.List;
import java.util.Set;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.server.ServerStatus;

/**
 * A server's status as far as the platform learns it. The provider offers no status read in our
 * sources, but restores go through us: a restore attempted less than {@code restoreWindow} ago (its
 * documented 15 minutes by default) that is not known to have failed means the server may still be
 * restoring. Otherwise the status is unknown and the provider judges.
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
        // Every restore attempt of the window, not only those the provider confirmed: one whose answer
        // was lost may be running, so only a restore known to have failed frees the server.
        List<AuditEvent> recent = history.query(AuditQuery.latest(RECENT_RESTORE_EVENTS)
                        .forServer(server.id())
                        .withOperations(Set.of(Operation.RESTORE_SNAPSHOT, Operation.RESTORE_SERVER_FROM_BACKUP))
                        .since(clock.instant().minus(restoreWindow)))
                .stream().map(RecordedAuditEvent::event).toList();
        boolean restoring = recent.stream()
                .filter(event -> event.outcome().kind() == Outcome.Kind.ACCEPTED)
                .anyMatch(intent -> recent.stream().noneMatch(later -> later.outcome().kind() == Outcome.Kind.FAILED
                        && later.sameAttemptAs(intent)));
        return new Server(server, restoring ? ServerStatus.RESTORING : ServerStatus.UNKNOWN);
    }

    private static final int RECENT_RESTORE_EVENTS = 200;
}
