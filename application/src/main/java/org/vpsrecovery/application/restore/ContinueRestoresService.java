package org.vpsrecovery.application.restore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.TrackingDeadlines;
import org.vpsrecovery.application.recoverypoint.kind.RecoveryPoints;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * Continues the restores waiting for their safety snapshot (ADR 0029): one round reads them from the
 * operations (stored state: a restart loses nothing) and, for each, the safety snapshot's operation,
 * which the tracker follows to its end:
 *
 * <ul>
 *   <li>completed: under the restore's lock(s), its policies are checked again (a refusal ends the restore FAILED with
 *   its own reason, the snapshot recorded completed), then VPS.org's
 *   restore is called, and the operation moves on as any restore's; a call VPS.org did nothing with (rate
 *   limited, not reached, credentials refused) leaves it waiting for a later round, up to its deadline, and after a
 *   rate limit the rest of the round asks VPS.org nothing;</li>
 *   <li>failed, vanished, timed out, or never stored (a request that died before the create; decided under
 *   the restore's lock(s), which a request still asking for it holds): the restore ends FAILED
 *   SAFETY_SNAPSHOT_FAILED, and VPS.org's restore is never called;</li>
 *   <li>otherwise it waits.</li>
 * </ul>
 *
 * First of all, a restore whose team no longer owns its server (or its source's server) ends FAILED
 * SERVER_NOT_FOUND, whatever its snapshot's state, and VPS.org's restore is never called: the teams file
 * may move a server to another team while a restore waits (ADR 0029, amended in session 38).
 *
 * Runs once across instances (the scheduler's job), and safely twice: the move out of waiting is a
 * versioned write, made before VPS.org is called, so only one instance calls it.
 */
public final class ContinueRestoresService {

    /**
     * How long a waiting restore may have no safety snapshot operation before it is taken to have died: counted from
     * when it began to wait ({@code startedAt}), an approved restore's run, not its ask (ADR 0040, session 43).
     */
    public static final Duration NO_SNAPSHOT_AFTER = Duration.ofMinutes(2);

    private final RecoveryOperations operations;
    private final SafetySnapshots safety;
    private final RecoveryPoints<SnapshotId, Snapshot> snapshots;
    private final RecoveryPoints<BackupId, Backup> backups;
    private final ServerOwnership ownership;
    private final ServerLock lock;
    private final AuditWriter writer;
    private final TrackingDeadlines deadlines;
    private final Clock clock;

    public ContinueRestoresService(RecoveryOperations operations, SafetySnapshots safety,
                                   RecoveryPoints<SnapshotId, Snapshot> snapshots, RecoveryPoints<BackupId, Backup> backups,
                                   ServerOwnership ownership, ServerLock lock, AuditWriter writer,
                                   TrackingDeadlines deadlines, Clock clock) {
        this.operations = Objects.requireNonNull(operations, "operations");
        this.safety = Objects.requireNonNull(safety, "safety");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.deadlines = Objects.requireNonNull(deadlines, "deadlines");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * One round over every waiting restore, the earliest due first, a page at a time; returns how many moved. Every
     * page is read: one newest-first page left the oldest unread in a wave of more than a page of restores, so their
     * completed snapshots, passed deadlines and holds were never acted on (ADR 0029, amended in session 41).
     */
    public int tick() {
        Instant dueBy = clock.instant();
        int moved = 0;
        boolean rateLimited = false;
        List<RecoveryOperation> page = operations.dueIn(OperationState.AWAITING_SAFETY_SNAPSHOT, dueBy,
                RecoveryOperations.MAX_PAGE);
        while (true) {
            for (RecoveryOperation waiting : page) {
                try {
                    moved += step(waiting, rateLimited) ? 1 : 0;
                } catch (ProviderFailure notNow) {
                    // VPS.org asked the platform to slow down: the rest of this round asks it nothing (every waiting
                    // restore would otherwise be refused in turn); they wait for the next round.
                    rateLimited |= notNow.kind() == ProviderFailure.Kind.RATE_LIMITED;
                } catch (RecoveryException notNow) {
                    // The server is busy, or VPS.org or the database failed: it stays waiting for the next round.
                }
            }
            if (page.size() < RecoveryOperations.MAX_PAGE) {
                return moved;
            }
            // Keyset: from the last one as read, whatever this round did to it, so each is looked at once.
            page = operations.dueInAfter(OperationState.AWAITING_SAFETY_SNAPSHOT, dueBy, page.getLast(),
                    RecoveryOperations.MAX_PAGE);
        }
    }

    /** {@code rateLimited}: VPS.org asked to slow down earlier in this round, so a completed snapshot's restore waits. */
    private boolean step(RecoveryOperation waiting, boolean rateLimited) {
        Instant now = clock.instant();
        Optional<RecoveryOperation> snapshot = operations.find(SafetySnapshots.operationOf(waiting.id()));
        Optional<ServerId> notOwned = notOwned(waiting);
        if (notOwned.isPresent()) {
            // The teams file moved a server away while the restore waited: the request's team may no longer write
            // it, as the approval path's lookup would refuse it now. Ended at once, which also ends its hold.
            String safetyState = snapshot.map(s -> s.state() == OperationState.COMPLETED ? SafetySnapshots.COMPLETED
                    : s.state().isFinal() ? SafetySnapshots.FAILED : SafetySnapshots.PENDING).orElse(SafetySnapshots.PENDING);
            return safety.refuse(waiting, ReasonCode.SERVER_NOT_FOUND, safetyState, "server " + notOwned.get()
                    + " is no longer the team's (the teams file changed while the restore waited); the restore was not run")
                    .isPresent();
        }
        if (snapshot.isEmpty()) {
            if (waiting.isDue(now) || now.isAfter(waiting.startedAt().plus(NO_SNAPSHOT_AFTER))) {
                // Decided under the restore's lock(s): its request holds them from storing the restore until its safety
                // create's operation is stored, which a slow VPS.org (the create's list reads) can put past
                // NO_SNAPSHOT_AFTER. Failing it unlocked ended a restore whose snapshot was still being asked for. A
                // busy lock (ServerBusy) leaves it for a later round.
                return lockedRestore(waiting, locksHeld -> failedWithNoSnapshot(waiting.id()));
            }
            return false;
        }
        OperationState state = snapshot.get().state();
        if (state == OperationState.COMPLETED) {
            // Past its deadline it ends without VPS.org (restore), so a rate limit does not keep it waiting longer.
            if (rateLimited && !waiting.isDue(now)) {
                return false;
            }
            return lockedRestore(waiting, locksHeld -> restore(waiting.id(), locksHeld));
        }
        if (state.isFinal()) {
            return safety.fail(waiting, "the safety snapshot ended " + state.wireName()
                    + snapshot.get().note().map(n -> " (" + n + ")").orElse("") + "; the restore was not run").isPresent();
        }
        if (waiting.isDue(now)) {
            return safety.fail(waiting, "the safety snapshot showed no end by " + waiting.deadline()).isPresent();
        }
        return false;
    }

    /** The restore's target or source server its team does not own now, if any. */
    private Optional<ServerId> notOwned(RecoveryOperation waiting) {
        return Stream.concat(Stream.of(waiting.server()), waiting.resourceServer().stream())
                .filter(server -> !ownership.owns(waiting.team(), server)).findFirst();
    }

    /**
     * A failure of the restore's own call that says VPS.org did nothing with it: rate limited, not reached (for a
     * change, UNAVAILABLE means nothing was sent: no connection, circuit open; ADR 0010), or the platform's own
     * credentials refused. The restore may be asked again; any doubt is OUTCOME_UNKNOWN, and a refusal is final.
     */
    private static boolean nothingDone(ProviderFailure failure) {
        return switch (failure.kind()) {
            case RATE_LIMITED, UNAVAILABLE, UNAUTHORIZED -> true;
            default -> false;
        };
    }

    /** A failure that says nothing of the restore, only that VPS.org could not be read now. */
    private static boolean notNow(ProviderFailure failure) {
        return switch (failure.kind()) {
            case UNAVAILABLE, TIMEOUT, RATE_LIMITED, MALFORMED_RESPONSE, UNAUTHORIZED -> true;
            default -> false;
        };
    }

    /**
     * Under the target's lock, and the source's when it is another server's, in id order (ADR 0026): the locks the
     * restore's request held while it stored the restore and asked for its safety snapshot.
     */
    private boolean lockedRestore(RecoveryOperation waiting, Function<BooleanSupplier, Boolean> work) {
        List<ServerId> servers = Stream.concat(Stream.of(waiting.server()), waiting.resourceServer().stream()).toList();
        // Taken all at once, in id order (ADR 0023, amended in session 45).
        return lock.callHoldingAll(servers, hold -> work.apply(hold::stillHeld));
    }

    /**
     * Under the restore's lock(s): ended FAILED if it still waits and its safety snapshot's operation is still not
     * stored, so its request died before the create (or ended it unrecorded); not if that request stored it meanwhile.
     */
    private boolean failedWithNoSnapshot(org.vpsrecovery.domain.operation.OperationId id) {
        Optional<RecoveryOperation> current = operations.find(id);
        if (current.isEmpty() || current.get().state() != OperationState.AWAITING_SAFETY_SNAPSHOT) {
            return false; // another instance moved it first
        }
        if (operations.find(SafetySnapshots.operationOf(id)).isPresent()) {
            return false; // asked for meanwhile: the next round follows it
        }
        return safety.fail(current.get(), "no safety snapshot was taken for this restore").isPresent();
    }

    private boolean restore(org.vpsrecovery.domain.operation.OperationId id, BooleanSupplier locksHeld) {
        Optional<RecoveryOperation> current = operations.find(id);
        if (current.isEmpty() || current.get().state() != OperationState.AWAITING_SAFETY_SNAPSHOT) {
            return false; // another instance moved it first
        }
        RecoveryOperation waiting = current.get();
        if (waiting.isDue(clock.instant())) {
            // Past its deadline the restore no longer holds the server: another restore may have been accepted since. Also
            // what ends a restore VPS.org kept refusing with nothing done (waitsAgain).
            return safety.fail(waiting, "the safety snapshot completed, but the restore's hold on the server ended ("
                    + waiting.deadline() + ") before VPS.org took the restore; the restore was not run").isPresent();
        }
        Decision again;
        try {
            again = check(waiting);
        } catch (ProviderFailure failure) {
            if (notNow(failure)) {
                throw failure; // VPS.org could not be read for the check: it stays waiting for the next round (tick)
            }
            again = Decision.deny(failure.reason(), failure.getMessage());
        } catch (RecoveryException gone) {
            again = Decision.deny(gone.reason(), gone.getMessage());
        }
        if (again instanceof Decision.Denied denied) {
            // The snapshot completed and is listed: the restore ends with the refusal's own reason (the point gone, the
            // server no longer restorable), not as the snapshot's failure (ADR 0029, amended in session 49).
            return safety.refuse(waiting, denied.reason(), SafetySnapshots.COMPLETED, "the safety snapshot completed, "
                    + "but the restore is refused now: " + denied.detail() + "; the restore was not run").isPresent();
        }
        if (!locksHeld.getAsBoolean()) {
            // A lock lost since the check (its session ended; ADR 0023, amended in session 40) may be another
            // instance's now: nothing is moved nor called, and the restore waits for a later round to check again.
            return false;
        }
        Instant now = clock.instant();
        RecoveryOperation accepted = waiting.safetySnapshotTaken(now, deadlines.of(waiting.kind()),
                "safety snapshot completed; asking VPS.org");
        if (!operations.update(waiting, accepted)) {
            return false;
        }
        try {
            call(waiting);
        } catch (ProviderFailure failure) {
            if (nothingDone(failure) && waitsAgain(accepted, waiting.deadline(), failure)) {
                throw failure; // as the check's not-now: the next round asks again (tick)
            }
            String cause = failure.getMessage().length() <= Outcome.MAX_CAUSE_LENGTH ? failure.getMessage()
                    : failure.getMessage().substring(0, Outcome.MAX_CAUSE_LENGTH);
            if (failure.outcomeUnknown()) {
                writer.appendOrDefer(safety.event(accepted, new Outcome.Unresolved(failure.reason(), cause),
                        SafetySnapshots.COMPLETED, failure.getMessage()));
                operations.update(accepted, accepted.answerLost(clock.instant(), failure.getMessage()));
            } else {
                // A call never sent says so, as AuditedAttempts' failed events do (ADR 0010, session 52).
                writer.appendOrDefer(safety.event(accepted,
                        new Outcome.Failed(failure.reason(), AuditedAttempts.failedCause(failure)),
                        SafetySnapshots.COMPLETED, failure.getMessage()));
                operations.update(accepted, accepted.refused(clock.instant(), failure.getMessage()));
            }
            return true;
        } catch (RuntimeException unexpected) {
            String why = "the call ended in " + unexpected.getClass().getSimpleName() + "; VPS.org may have acted";
            writer.appendOrDefer(safety.event(accepted, new Outcome.Unresolved(ReasonCode.INTERNAL_ERROR, why),
                    SafetySnapshots.COMPLETED, why));
            operations.update(accepted, accepted.answerLost(clock.instant(), why));
            return true;
        }
        writer.appendOrDefer(safety.event(accepted, new Outcome.Submitted(), SafetySnapshots.COMPLETED,
                "the safety snapshot completed; VPS.org took the restore"));
        operations.update(accepted, accepted.taken(Optional.empty(), clock.instant(), "VPS.org took it"));
        return true;
    }

    /**
     * VPS.org did nothing with the restore now: it waits again for a later round, until its deadline while it waited
     * (past it, {@link #restore} ends it FAILED without asking). False if it could not be stored so (the store failed,
     * or it was released meanwhile): the caller then records the failure as final, as before.
     */
    private boolean waitsAgain(RecoveryOperation accepted, Instant waitingDeadline, ProviderFailure failure) {
        RecoveryOperation again = accepted.restoreNotTakenNow(clock.instant(), waitingDeadline,
                "the safety snapshot completed; VPS.org did nothing with the restore now (" + failure.reason()
                        + "); it is asked again in a later round");
        try {
            return operations.update(accepted, again);
        } catch (RuntimeException storeDown) {
            return false;
        }
    }

    /**
     * The restore's policies again, as the kind names them (the same the request applied). The server is
     * judged idle: the hold it shows is this restore's own, which kept every other restore and delete of
     * its points away while it waited.
     */
    private Decision check(RecoveryOperation waiting) {
        long source = waiting.resource().orElseThrow().id();
        return waiting.kind() == Operation.RESTORE_SNAPSHOT
                ? check(snapshots, new SnapshotId(source), waiting)
                : check(backups, new BackupId(source), waiting);
    }

    private <I, P> Decision check(RecoveryPoints<I, P> points, I id, RecoveryOperation waiting) {
        ServerId from = waiting.resourceServer().orElse(waiting.server());
        // A job's: no key nor call slot is leased on it, and a point not confirmed would keep the restore waiting.
        return points.findOnServer(from, id, ConsistentListBound.eachReadItsOwnDeadline())
                .map(point -> points.restorable(point, Server.idle(new ServerRef(waiting.server(), "")), clock.instant(),
                        waiting.team()))
                .orElseGet(() -> Decision.deny(points.notFound(id).reason(),
                        points.ref(id).type().name().toLowerCase(Locale.ROOT) + " " + id + " is gone"));
    }

    private void call(RecoveryOperation waiting) {
        long source = waiting.resource().orElseThrow().id();
        if (waiting.kind() == Operation.RESTORE_SNAPSHOT) {
            snapshots.restore(waiting.server(), new SnapshotId(source));
        } else {
            backups.restore(waiting.server(), new BackupId(source));
        }
    }
}
