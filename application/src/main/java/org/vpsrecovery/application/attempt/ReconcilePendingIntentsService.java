package org.vpsrecovery.application.attempt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.vpsrecovery.application.job.RunBudget;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.common.ProviderClock;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.port.AttemptAlreadyEnded;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * Settles intents older than {@code settleAfter} that never got a final outcome (a crash, a lost answer:
 * {@code UNRESOLVED}; ADR 0024, amended in session 45). An intent naming no server (a policy's change) is settled from
 * its record ({@link RecordIntents}); one whose operation has ended gets that end's lost event, written from the
 * operation (an open one is the tracker's); one with an attempt id but no stored operation was never sent
 * ({@code FAILED NOT_DONE_AT_PROVIDER}); a hold's placement or release, or a restore hold's release, is settled from
 * the stored hold or the restore's operation. The rest, intents written before operations existed (V6, issue 11), are
 * settled by looking at the provider: under the server's lock, so no request of that server is running, it
 * appends the outcome it can establish — {@code COMPLETED} when the provider shows the change,
 * {@code FAILED NOT_DONE_AT_PROVIDER} when it shows that nothing happened. When the provider cannot
 * tell (a restore: VPS.org has no server status read; several unclaimed manual backups), nothing is
 * written until the restore window has passed, then {@code UNVERIFIABLE}, which says so. Only
 * intents older than {@code settleAfter} are touched: longer than any bounded request. A try of a pending change still
 * approved is left to the settle job that applies it again ({@link ApprovedChanges}, ADR 0043, amended in session 46).
 */
public final class ReconcilePendingIntentsService {

    /** Outcome events written here say so, for auditors. */
    public static final String RECONCILED = "reconciled";

    /** A job's consistent lists: no key nor call slot is leased on a round (ADR 0010, amended in session 39). */
    private static final ConsistentListBound JOB = ConsistentListBound.eachReadItsOwnDeadline();

    private final AuditHistory history;
    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
    private final ServerLock lock;
    private final Clock clock;
    private final Duration settleAfter;

    private final Duration giveUpAfter;
    private final RecoveryOperations operations;
    private final RecoveryPointHolds holds;
    private final RecordIntents records;
    private final ApprovedChanges approvedChanges;

    /** {@code giveUpAfter}: how long an unverifiable intent stays pending (the restore window). */
    public ReconcilePendingIntentsService(AuditHistory history, SnapshotProvider snapshots, BackupProvider backups,
                                          ServerLock lock, Clock clock, Duration settleAfter, Duration giveUpAfter,
                                          RecoveryOperations operations, RecoveryPointHolds holds) {
        this(history, snapshots, backups, lock, clock, settleAfter, giveUpAfter, operations, holds, RecordIntents.NONE);
    }

    /** {@code records}: settles the intents of the platform's own records, which name no server (ADR 0036). */
    public ReconcilePendingIntentsService(AuditHistory history, SnapshotProvider snapshots, BackupProvider backups,
                                          ServerLock lock, Clock clock, Duration settleAfter, Duration giveUpAfter,
                                          RecoveryOperations operations, RecoveryPointHolds holds, RecordIntents records) {
        this(history, snapshots, backups, lock, clock, settleAfter, giveUpAfter, operations, holds, records,
                ApprovedChanges.NONE);
    }

    /**
     * {@code approvedChanges}: the tries of pending changes still approved, which the settle job ends (ADR 0043,
     * amended in session 46).
     */
    public ReconcilePendingIntentsService(AuditHistory history, SnapshotProvider snapshots, BackupProvider backups,
                                          ServerLock lock, Clock clock, Duration settleAfter, Duration giveUpAfter,
                                          RecoveryOperations operations, RecoveryPointHolds holds, RecordIntents records,
                                          ApprovedChanges approvedChanges) {
        this.records = Objects.requireNonNull(records, "records");
        this.approvedChanges = Objects.requireNonNull(approvedChanges, "approved changes");
        this.holds = Objects.requireNonNull(holds, "holds");
        this.giveUpAfter = Objects.requireNonNull(giveUpAfter, "give up after");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.history = Objects.requireNonNull(history, "history");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settleAfter = Objects.requireNonNull(settleAfter, "settle after");
    }

    /** Reconciles up to {@code limit} pending intents; returns how many got an outcome. */
    public int reconcile(int limit) {
        return reconcile(limit, 0, RunBudget.UNBOUNDED).closed();
    }

    /**
     * What one bounded run did: how many intents got an outcome, the sequence the next run carries on after (0: from the
     * first pending intent again), and how many of the intents it was to take its spent budget left (0: it took them
     * all, or a stop ended it), which the rest of the round may take at once (ADR 0024, amended in session 47).
     */
    public record Round(int closed, long resumeAfter, int leftByBudget) {
        public Round {
            if (closed < 0 || resumeAfter < 0 || leftByBudget < 0) {
                throw new IllegalArgumentException("a round closes no negative count, resumes after no negative sequence "
                        + "and leaves no negative count");
            }
        }

        /** A round its budget did not cut short. */
        public Round(int closed, long resumeAfter) {
            this(closed, resumeAfter, 0);
        }
    }

    /**
     * Reconciles up to {@code limit} pending intents after sequence {@code after}, taking no further intent once
     * {@code budget} is spent (checked between two intents, the first always taken). A run cut short resumes after the
     * last intent it reached, and says how many of its {@code limit} it left; one that reached the end of the page starts
     * from the first pending intent again, so an intent that stays pending (VPS.org cannot tell yet, the server is busy)
     * is looked at once a pass, never ahead of every later one in every run (ADR 0024, amended in session 45). A stop (the
     * thread interrupted) ends the run whatever the budget: the intent whose lock wait it cut short is not counted
     * reached, and nothing is left to run at once (amended in session 47).
     */
    public Round reconcile(int limit, long after, RunBudget budget) {
        Instant before = clock.instant().minus(settleAfter);
        List<RecordedAuditEvent> pending = history.pendingIntents(before, after, limit);
        long reached = after;
        if (pending.isEmpty() && after > 0) {
            pending = history.pendingIntents(before, 0, limit); // the pass is over: again from the first
            reached = 0;
        }
        int closed = 0;
        int taken = 0;
        for (RecordedAuditEvent intent : pending) {
            if (stopping()) {
                return new Round(closed, reached);
            }
            if (taken > 0 && budget.spent()) {
                return new Round(closed, reached, limit - taken);
            }
            closed += settle(intent);
            if (stopping()) {
                return new Round(closed, reached); // its lock wait may be what the stop cut short: looked at again
            }
            reached = intent.sequence();
            taken++;
        }
        return new Round(closed, pending.size() == limit ? reached : 0);
    }

    /** Whether the thread was interrupted: a graceful stop interrupts the scheduler's jobs, and every lock wait fails. */
    private static boolean stopping() {
        return Thread.currentThread().isInterrupted();
    }

    /** One pending intent: 1 if it got an outcome, 0 if it stays pending for a later run. */
    private int settle(RecordedAuditEvent intent) {
        // An approved change's try is its settle job's to end: the job looks up the attempt, then writes under it, and
        // an end written here in between would be the attempt's one end, the job's true one refused (ADR 0142). Asked
        // before the record or the hold is read: a change no longer approved has no writer left, so what is read below
        // is what it left (ADR 0043, amended in session 46).
        if (approvedChanges.stillApplying(intent)) {
            return 0;
        }
        Optional<ServerId> server = intent.event().server();
        if (server.isEmpty()) {
            // A change of the platform's own records (a policy's): the record says how it ended.
            return settleRecordIntent(intent) ? 1 : 0;
        }
        Optional<RecoveryOperation> operation = intent.event().attemptId().flatMap(this::operationOf);
        if (operation.isPresent()) {
            // An operation follows it (TrackOperationsService, which writes an end's event before the
            // move). If that operation already ended, its final event was lost (a writer that moves
            // first, as a hold's early release, crashed between; or a deferred event in a backlog that
            // died with its instance): it is written now, from the operation.
            if (operation.get().isFinal()) {
                try {
                    return lock.callExclusively(server.get(), () -> writeLostEnd(intent, operation.get())) ? 1 : 0;
                } catch (org.vpsrecovery.domain.port.ServerBusy busyNow) {
                    // the next round tries again
                }
            }
            return 0;
        }
        try {
            return lock.callExclusively(server.get(), () -> closeIfStillPending(intent, server.get())) ? 1 : 0;
        } catch (ProviderFailure | org.vpsrecovery.domain.port.ServerBusy unavailableNow) {
            // The provider or the server is busy: the intent stays pending for the next round.
            return 0;
        }
    }

    private boolean settleRecordIntent(RecordedAuditEvent intent) {
        Optional<Outcome> outcome = records.outcomeOf(intent.event());
        if (outcome.isEmpty() || settled(intent)) {
            return false;
        }
        AuditEvent accepted = intent.event();
        Map<String, String> detail = new LinkedHashMap<>(accepted.detail());
        detail.put(RECONCILED, "true");
        // Settled by the platform, as every reconciled end; the requester stays on the intent (same request id).
        Actor.SYSTEM.into(detail);
        try {
            history.append(new AuditEvent(clock.instant(), accepted.team(), accepted.requestId(), accepted.operation(),
                    Optional.empty(), accepted.resource(), outcome.get(), OptionalInt.empty(), detail));
            return true;
        } catch (RuntimeException historyDown) {
            return false; // the next round tries again
        }
    }

    private Optional<RecoveryOperation> operationOf(String attemptId) {
        try {
            return operations.find(OperationId.parse(attemptId));
        } catch (IllegalArgumentException notAnOperationId) {
            return Optional.empty();
        }
    }

    private boolean settled(RecordedAuditEvent intent) {
        return laterEventsOfTheAttempt(intent).anyMatch(e -> e.outcome().kind().settlesAttempt());
    }

    private java.util.stream.Stream<AuditEvent> laterEventsOfTheAttempt(RecordedAuditEvent intent) {
        AuditEvent accepted = intent.event();
        return history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).forRequest(accepted.requestId())
                        .withOperations(Set.of(accepted.operation())))
                .stream().filter(e -> e.sequence() > intent.sequence() && e.event().sameAttemptAs(accepted))
                .map(RecordedAuditEvent::event);
    }

    /** The final event of an operation that ended without one on record, as the operation's end says. */
    private boolean writeLostEnd(RecordedAuditEvent intent, RecoveryOperation operation) {
        if (settled(intent)) {
            return false;
        }
        AuditEvent accepted = intent.event();
        Map<String, String> detail = new LinkedHashMap<>(accepted.detail());
        detail.put(RECONCILED, "true");
        String message = "the operation ended " + operation.state().wireName() + " at " + operation.updatedAt()
                + operation.note().map(note -> " (" + note + ")").orElse("")
                + "; its audit event was not on record and is written from the operation";
        detail.put(AuditEvent.MESSAGE, AuditEvent.detailValue(message));
        Actor.SYSTEM.into(detail);
        // The operation's end says UNVERIFIABLE for any released restore (RecoveryOperation.end); one the hold's release
        // ended while it waited for its safety snapshot was not done, which the platform knows (as RestoreHoldService
        // records it): not an unverifiable restore, nor its webhook. Read from the operation as the release stored it,
        // never from the absence of a SUBMITTED, which may still wait in an instance's kept backlog.
        Outcome end = operation.releasedBeforeVpsOrgWasAsked()
                ? new Outcome.Failed(ReasonCode.RESTORE_HOLD_RELEASED, "the hold was released at " + operation.updatedAt()
                        + " while the restore waited for its safety snapshot; VPS.org was never asked to restore")
                : operation.end();
        return appendUnlessEnded(new AuditEvent(clock.instant(), accepted.team(), accepted.requestId(),
                accepted.operation(), accepted.server(), operation.resource().or(accepted::resource), end,
                OptionalInt.empty(), detail));
    }

    private boolean closeIfStillPending(RecordedAuditEvent intent, ServerId server) {
        AuditEvent accepted = intent.event();
        if (settled(intent)) {
            return false;
        }
        // Since operations exist (V6), VPS.org is called only after the attempt's operation is stored; an
        // intent with an attempt id and no operation was never sent. Looking for "its" snapshot by name
        // would credit it with another request's (a retry's after a takeover). A release has no operation.
        Finding finding = accepted.attemptId().isPresent() && !accepted.operation().isPlatformOnly()
                ? Finding.notCalled("no operation was stored for this attempt, and VPS.org is called only once it is")
                : switch (accepted.operation()) {
            case CREATE_SNAPSHOT -> findCreatedSnapshot(accepted, server);
            case CREATE_MANUAL_BACKUP -> findCreatedBackup(accepted, server);
            case DELETE_SNAPSHOT -> accepted.resource().map(r -> snapshotListed(server, r)
                    ? Finding.failed("the snapshot is still at the provider") : Finding.completed(r, "it is gone from the provider's list"))
                    .orElseGet(() -> Finding.unverifiable("the intent names no snapshot"));
            case DELETE_BACKUP -> accepted.resource().map(r -> backupListed(server, r)
                    ? Finding.failed("the backup is still at the provider") : Finding.completed(r, "it is gone from the provider's list"))
                    .orElseGet(() -> Finding.unverifiable("the intent names no backup"));
            case RESTORE_SNAPSHOT, RESTORE_SERVER_FROM_BACKUP -> Finding.unverifiable(
                    "VPS.org offers no server status read, so whether this restore ran cannot be established; "
                            + "the platform held the server for the restore window of " + giveUpAfter.toMinutes() + " min");
            case RELEASE_RESTORE_HOLD -> releaseFinding(accepted);
            case PLACE_RECOVERY_POINT_HOLD, RELEASE_RECOVERY_POINT_HOLD -> pointHoldFinding(accepted);
            // Policies' events are written after the change and name no server: never an intent here (ADR 0028).
            case CREATE_POLICY, UPDATE_POLICY, DELETE_POLICY, PLAN_POLICY, DRIFT_DETECTED, DRIFT_RESOLVED, AUDIT_READ,
                 REQUEST_APPROVAL, APPROVE_OPERATION, DENY_OPERATION, EXPIRE_APPROVAL ->
                    Finding.unverifiable("not a change at VPS.org");
        };
        if (finding.waitsForDeadline() && accepted.occurredAt().plus(giveUpAfter).isAfter(clock.instant())) {
            return false; // keep the server held and the intent open until the window has passed
        }
        Map<String, String> detail = new LinkedHashMap<>(accepted.detail());
        detail.put(RECONCILED, "true");
        detail.put(AuditEvent.MESSAGE, finding.message());
        Actor.SYSTEM.into(detail);
        return appendUnlessEnded(new AuditEvent(clock.instant(), accepted.team(), accepted.requestId(),
                accepted.operation(), accepted.server(), finding.resource().or(accepted::resource), finding.outcome(),
                OptionalInt.empty(), detail));
    }

    /** Appends an intent's end; another writer that ended the attempt since {@link #settled} looked wins (ADR 0142). */
    private boolean appendUnlessEnded(AuditEvent end) {
        try {
            history.append(end);
            return true;
        } catch (AttemptAlreadyEnded endedMeanwhile) {
            return false;
        }
    }

    /**
     * Whether VPS.org lists the point; one the list leaves out is looked for again in the list read consistently, since
     * "gone" ends the delete's intent completed (ADR 0010, amended in session 38).
     */
    private boolean snapshotListed(ServerId server, ResourceRef point) {
        return snapshots.listSnapshots(Optional.of(server)).stream().anyMatch(s -> s.id().value() == point.id())
                || snapshots.listSnapshotsConsistently(Optional.of(server), JOB).stream()
                        .anyMatch(s -> s.id().value() == point.id());
    }

    private boolean backupListed(ServerId server, ResourceRef point) {
        return backups.listBackups(Optional.of(server), Optional.empty()).stream().anyMatch(b -> b.id().value() == point.id())
                || backups.listBackupsConsistently(Optional.of(server), Optional.empty(), JOB).stream()
                        .anyMatch(b -> b.id().value() == point.id());
    }

    /**
     * A snapshot of the intent's name on its server, made after the intent, that no completed event claims: the create
     * happened. None in the list is looked for again in the list read consistently before "not done" (ADR 0010, amended
     * in session 38). VPS.org dates it by its own clock, so the window opens {@link ProviderClock#TOLERANCE} before the
     * intent; several such snapshots cannot be told apart, and none is taken (ADR 0024, amended in session 47).
     */
    private Finding findCreatedSnapshot(AuditEvent accepted, ServerId server) {
        String name = accepted.detail().get(AuditEvent.NAME);
        Instant notBefore = ProviderClock.earliestDatingOf(accepted.occurredAt());
        Set<ResourceRef> claimed = claimedSince(server, notBefore);
        java.util.function.Function<List<Snapshot>, List<Snapshot>> named = listed -> listed.stream()
                .filter(s -> s.name().equals(name) && !s.createdAt().isBefore(notBefore))
                .filter(s -> !claimed.contains(ResourceRef.of(s.id())))
                .toList();
        List<Snapshot> candidates = named.apply(snapshots.listSnapshots(Optional.of(server)));
        if (candidates.isEmpty()) {
            candidates = named.apply(snapshots.listSnapshotsConsistently(Optional.of(server), JOB));
        }
        if (candidates.size() == 1) {
            return Finding.completed(ResourceRef.of(candidates.get(0).id()),
                    "found at the provider as snapshot " + candidates.get(0).id().value());
        }
        return candidates.isEmpty()
                ? Finding.failed("no snapshot named " + name + " was made on server " + server)
                : Finding.unverifiable(candidates.size() + " unclaimed snapshots named " + name + " were made on server "
                        + server + " since " + ProviderClock.TOLERANCE.toMinutes() + " min before the intent (VPS.org's "
                        + "clock may be off ours); nothing tells which is this one");
    }

    /**
     * The points on {@code server} that another create's completed event written since {@code since} names: made by that
     * attempt (a restore's or a delete's event names a point it did not make). Read from {@link ProviderClock#TOLERANCE}
     * before it, since a point VPS.org dates at {@code since} may have been made (and claimed) that much earlier by our
     * clock.
     */
    private Set<ResourceRef> claimedSince(ServerId server, Instant since) {
        return history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).forServer(server).withOutcome(Outcome.Kind.COMPLETED)
                        .withOperations(Set.of(Operation.CREATE_SNAPSHOT, Operation.CREATE_MANUAL_BACKUP))
                        .since(ProviderClock.earliestDatingOf(since))).stream()
                .flatMap(e -> e.event().resource().stream())
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * A release is the platform's own change: the restore's operation shows whether it was made. A release by the
     * server's new owner names no restore (the restore is another team's, ADR 0026, amended in session 38): the restore
     * is then the one that held the intent's server when the intent was written, found on that server.
     */
    private Finding releaseFinding(AuditEvent accepted) {
        Optional<String> restoreId = Optional.ofNullable(accepted.detail().get(AuditEvent.RESTORE_OPERATION_ID));
        boolean released = restoreId.isPresent()
                ? restoreId.flatMap(id -> {
                    try {
                        return operations.find(OperationId.parse(id));
                    } catch (IllegalArgumentException notAnOperationId) {
                        return Optional.empty();
                    }
                })
                .filter(restore -> restore.state() == org.vpsrecovery.domain.operation.OperationState.RELEASED)
                .isPresent()
                : accepted.server().map(server -> anotherTeamsRestoreReleasedSince(accepted, server)).orElse(false);
        return released
                ? new Finding(new Outcome.Completed(), Optional.empty(), "the restore's operation shows the hold was released", false)
                : new Finding(new Outcome.Failed(ReasonCode.NO_RESTORE_HOLD, "the restore's operation shows its hold was not released"),
                        Optional.empty(), "the hold was not released", false);
    }

    /**
     * Whether another team's restore held {@code server} when the release's intent was written and was released at or
     * after it. Read here, by the platform; nothing of that restore goes into the releasing team's events. It held from
     * when it began ({@code startedAt}): an approved restore from its run, not from its ask, when it held nothing (ADR
     * 0040, amended in session 43).
     */
    private boolean anotherTeamsRestoreReleasedSince(AuditEvent accepted, ServerId server) {
        Instant asked = accepted.occurredAt();
        return operations.list(Optional.empty(), Optional.of(server),
                        Optional.of(org.vpsrecovery.domain.operation.OperationState.RELEASED), RecoveryOperations.MAX_PAGE)
                .stream()
                .anyMatch(restore -> restore.kind().isRestore() && !restore.team().equals(accepted.team())
                        && !restore.startedAt().isAfter(asked) && restore.deadline().isAfter(asked)
                        && !restore.updatedAt().isBefore(asked));
    }

    /**
     * A hold's placement or release is the platform's own change: the stored hold shows whether it was
     * made. A placed hold has the attempt's id; a release names its hold in the detail.
     */
    private Finding pointHoldFinding(AuditEvent accepted) {
        boolean placing = accepted.operation() == Operation.PLACE_RECOVERY_POINT_HOLD;
        Optional<RecoveryPointHold> hold = Optional.ofNullable(accepted.detail().get(AuditEvent.HOLD_ID)).flatMap(id -> {
            try {
                return holds.find(HoldId.parse(id));
            } catch (IllegalArgumentException notAHoldId) {
                return Optional.empty();
            }
        });
        if (placing) {
            return hold.isPresent()
                    ? new Finding(new Outcome.Completed(), Optional.empty(), "the stored hold shows it was placed", false)
                    : notMade("placed");
        }
        Optional<RecoveryPointHold.Release> release = hold.flatMap(RecoveryPointHold::release);
        if (release.isEmpty()) {
            return notMade("released");
        }
        // Released, but by this attempt only if by its actor and not before its intent: another release
        // (someone else's, after this one was cut short) is not this attempt's outcome.
        boolean ours = release.get().by().wireName().equals(accepted.detail().get(AuditEvent.ACTOR))
                && !release.get().at().isBefore(accepted.occurredAt());
        return ours
                ? new Finding(new Outcome.Completed(), Optional.empty(), "the stored hold shows it was released", false)
                // Named as the team this outcome is filed under is told it: after a teams-file move, not the former
                // owner (ADR 0029, amended in session 48).
                : new Finding(new Outcome.Failed(ReasonCode.HOLD_ALREADY_RELEASED, "the stored hold was released by "
                        + RecoveryPointHold.actorNamedIn(release.get().by(), accepted.team()) + " at "
                        + release.get().at() + ", not by this attempt"),
                        Optional.empty(), "the hold was released by another attempt", false);
    }

    private static Finding notMade(String what) {
        return new Finding(new Outcome.Failed(ReasonCode.PLATFORM_UNAVAILABLE, "the change was cut short and the stored holds "
                + "show it was not " + what), Optional.empty(), "the hold was not " + what, false);
    }

    /**
     * Manual backups carry no name: one made after the intent (dated by VPS.org's clock, {@link
     * ProviderClock#TOLERANCE} before it at the earliest) that no audit event claims is taken as ours. "Not done"
     * rests on none being listed: the list is then read again consistently (ADR 0010, amended in session 38).
     */
    private Finding findCreatedBackup(AuditEvent accepted, ServerId server) {
        List<Backup> candidates = unclaimedManualBackups(accepted, server, backups.listBackups(Optional.of(server), Optional.empty()));
        if (candidates.isEmpty()) {
            candidates = unclaimedManualBackups(accepted, server,
                    backups.listBackupsConsistently(Optional.of(server), Optional.empty(), JOB));
        }
        if (candidates.size() == 1) {
            return Finding.completed(ResourceRef.of(candidates.get(0).id()),
                    "found at the provider as backup " + candidates.get(0).id().value());
        }
        return candidates.isEmpty()
                ? Finding.failed("no manual backup was made on server " + server)
                : Finding.unverifiable(candidates.size() + " unclaimed manual backups were made on server " + server
                        + " since the intent; backups carry no name to tell which is this one");
    }

    /**
     * The manual backups among {@code listed} dated since {@link ProviderClock#TOLERANCE} before the intent (VPS.org's
     * clock may be behind ours) that no completed event claims.
     */
    private List<Backup> unclaimedManualBackups(AuditEvent accepted, ServerId server, List<Backup> listed) {
        Instant notBefore = ProviderClock.earliestDatingOf(accepted.occurredAt());
        Set<ResourceRef> claimed = claimedSince(server, notBefore);
        return listed.stream()
                .filter(Backup::isManual)
                .filter(b -> !b.createdAt().isBefore(notBefore))
                .filter(b -> !claimed.contains(ResourceRef.of(b.id())))
                .toList();
    }

    private record Finding(Outcome outcome, Optional<ResourceRef> resource, String message, boolean waitsForDeadline) {
        static Finding completed(ResourceRef resource, String how) {
            return new Finding(new Outcome.Completed(), Optional.of(resource), "the provider shows the change was made: "
                    + how, false);
        }

        static Finding failed(String why) {
            return new Finding(new Outcome.Failed(ReasonCode.NOT_DONE_AT_PROVIDER, why), Optional.empty(),
                    "the provider shows the change was not made", false);
        }

        static Finding notCalled(String why) {
            return new Finding(new Outcome.Failed(ReasonCode.NOT_DONE_AT_PROVIDER, why), Optional.empty(),
                    "VPS.org was not called", false);
        }

        static Finding unverifiable(String why) {
            return new Finding(new Outcome.Unverifiable(ReasonCode.OUTCOME_UNKNOWN, why), Optional.empty(),
                    "not verifiable at the provider", true);
        }
    }
}
