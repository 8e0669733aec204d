package org.vpsrecovery.application.attempt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.RestoreHold;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.server.ServerStatus;

/**
 * A server's status as far as the platform learns it. The provider offers no status read in our
 * sources, but restores go through us: each is an operation, and a restore operation not final
 * whose window (its deadline: {@link TrackingDeadlines}, 20 minutes from a snapshot and 60 from a backup by default, from VPS.org's answer) has
 * not ended holds its server (ADR 0026). That includes one whose answer was lost: it may be running. The operations in
 * PostgreSQL are the one record of the hold, so every instance sees the same one, across restarts.
 * Otherwise the status is unknown and the provider judges.
 *
 * <p>Restore intents written before operations existed (no operation follows them) are read from
 * the audit history as before, for their window: the server is restoring, with no hold to show or
 * release.
 */
public final class ServerStates {

    /**
     * The provider documents snapshot restores as taking 5 to 15 minutes; the default window is that and a margin
     * ({@link TrackingDeadlines#SNAPSHOT_RESTORE_WINDOW}): the switch of the holds (zero: off) and the window of restore
     * intents written before operations existed.
     */
    public static final Duration DOCUMENTED_RESTORE_WINDOW = TrackingDeadlines.SNAPSHOT_RESTORE_WINDOW;

    private final RecoveryOperations operations;
    private final AuditHistory history;
    private final Clock clock;
    private final Duration restoreWindow;
    private final boolean holding;

    /** {@code restoreWindow} zero: the platform holds no server (the provider alone judges). */
    public ServerStates(RecoveryOperations operations, AuditHistory history, Clock clock, Duration restoreWindow) {
        this.operations = Objects.requireNonNull(operations, "operations");
        this.history = Objects.requireNonNull(history, "history");
        this.restoreWindow = restoreWindow;
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(restoreWindow, "restore window");
        if (restoreWindow.isNegative()) {
            throw new IllegalArgumentException("restore window must not be negative");
        }
        this.holding = !restoreWindow.isZero();
    }

    /** The server, held by its newest live restore if it has one. */
    public Server current(ServerRef server) {
        if (!holding) {
            return Server.idle(server);
        }
        return heldBy(server, operations.liveRestores(Optional.of(server.id()), Optional.empty(), clock.instant())
                .stream().findFirst());
    }

    private Server heldBy(ServerRef server, Optional<RecoveryOperation> newestLiveRestore) {
        Server idle = Server.idle(server);
        return newestLiveRestore
                .flatMap(restore -> restore.hold(clock.instant()))
                .map(idle::beginRestore)
                .orElseGet(() -> legacyRestoring(server) ? new Server(server, ServerStatus.RESTORING) : idle);
    }

    /** What a delete of {@code point} on {@code server} decides on: {@link #current} and {@link #holdsOn}. */
    public record ServerAndHolds(Server server, List<RestoreHold> holds) {

        public ServerAndHolds {
            Objects.requireNonNull(server, "server");
            holds = List.copyOf(holds);
        }
    }

    /**
     * {@link #current}{@code (server)} and {@link #holdsOn}{@code (point)} as each answers alone, from one read of the
     * live restores instead of two (ADR 0120).
     */
    public ServerAndHolds currentAndHoldsOn(ServerRef server, ResourceRef point) {
        if (!holding) {
            return new ServerAndHolds(Server.idle(server), List.of());
        }
        var now = clock.instant();
        List<RecoveryOperation> live = operations.liveRestoresOfServerOrPoint(server.id(), point, now);
        Server current = heldBy(server, live.stream().filter(restore -> restore.server().equals(server.id())).findFirst());
        return new ServerAndHolds(current,
                holdsAt(live.stream().filter(restore -> restore.resource().equals(Optional.of(point))).toList(), now));
    }

    /** A restore intent of the window written before operations existed, not known to have failed. */
    private boolean legacyRestoring(ServerRef server) {
        List<AuditEvent> recent = history.restoreEvents(server.id(), clock.instant().minus(restoreWindow),
                        RECENT_RESTORE_EVENTS)
                .stream().map(RecordedAuditEvent::event).toList();
        return recent.stream()
                .filter(event -> event.outcome().kind() == Outcome.Kind.ACCEPTED && !followedByAnOperation(event))
                .anyMatch(intent -> recent.stream().noneMatch(later -> later.outcome().kind() == Outcome.Kind.FAILED
                        && later.sameAttemptAs(intent)));
    }

    private boolean followedByAnOperation(AuditEvent intent) {
        return intent.attemptId().flatMap(id -> {
            try {
                return operations.find(OperationId.parse(id));
            } catch (IllegalArgumentException notAnOperationId) {
                return Optional.empty();
            }
        }).isPresent();
    }

    private static final int RECENT_RESTORE_EVENTS = 200;

    /** The live restore holds reading {@code point}, on whichever server they hold. */
    public List<RestoreHold> holdsOn(ResourceRef point) {
        if (!holding) {
            return List.of();
        }
        var now = clock.instant();
        return holdsAt(operations.liveRestores(Optional.empty(), Optional.of(point), now), now);
    }

    /** The holds these live restores place at {@code now}. */
    private static List<RestoreHold> holdsAt(List<RecoveryOperation> liveRestores, Instant now) {
        return liveRestores.stream().map(restore -> restore.hold(now)).flatMap(Optional::stream).toList();
    }

    /** The live restore holding {@code server}, as stored. */
    public Optional<RecoveryOperation> holdingRestore(ServerRef server) {
        if (!holding) {
            return Optional.empty();
        }
        return operations.liveRestores(Optional.of(server.id()), Optional.empty(), clock.instant()).stream().findFirst();
    }
}
