package org.vpsrecovery.application.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.GREEN;
import static org.vpsrecovery.application.PlatformFixture.SPARE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.recoverypoint.RestoreRecoveryPointService;
import org.vpsrecovery.domain.testing.FixedServerOwnership;
import org.vpsrecovery.domain.testing.ForwardingRecoveryOperations;
import org.vpsrecovery.domain.testing.InMemoryServerLock;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.application.snapshot.CreateSnapshotService;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.application.attempt.TrackingDeadlines;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.backup.BackupRestoreStarted;
import org.vpsrecovery.application.backup.RestoreServerFromBackupCommand;
import org.vpsrecovery.application.snapshot.RestoreSnapshotCommand;
import org.vpsrecovery.application.snapshot.SnapshotRestoreStarted;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.snapshot.Snapshot;

class SafetySnapshotRestoreTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final Snapshot completed = platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
    private final SafetySnapshots safety = platform.safetySnapshots(SafetySnapshotSettings.always(true));
    private final ContinueRestoresService continuation = platform.continueRestores(safety);

    private RestoreAnswer<SnapshotRestoreStarted> restore(CallContext context, boolean skip) {
        return platform.restoreSnapshot(safety).requestRestore(new RestoreSnapshotCommand(context, completed.id(), skip));
    }

    private RecoveryOperation waiting(RestoreAnswer<?> answer) {
        assertThat(answer).isInstanceOf(RestoreAnswer.AwaitingSafetySnapshot.class);
        return ((RestoreAnswer.AwaitingSafetySnapshot<?>) answer).restore();
    }

    private RecoveryOperation stored(RecoveryOperation operation) {
        return platform.operations.find(operation.id()).orElseThrow();
    }

    private Snapshot safetySnapshotOf(RecoveryOperation restore) {
        String name = SafetySnapshots.nameFor(restore.id()).value();
        return platform.provider.listSnapshots(Optional.of(WEB)).stream().filter(s -> s.name().equals(name))
                .findFirst().orElseThrow();
    }

    private static String describe(AuditEvent e) {
        return e.operation() + " " + e.outcome().kind();
    }

    /** Two restores asked in the same millisecond (their version 7 ids share the timestamp) get different names. */
    @Test
    void restoresAskedInTheSameMillisecondNameTheirSafetySnapshotsApart() {
        OperationId first = new OperationId(new java.util.UUID(0x0193_9a4b_c2d1_7abcL, 0x8000_0000_0000_0001L));
        OperationId second = new OperationId(new java.util.UUID(0x0193_9a4b_c2d1_7abcL, 0x8000_0000_0000_0002L));

        assertThat(SafetySnapshots.nameFor(first)).isNotEqualTo(SafetySnapshots.nameFor(second));
        assertThat(SafetySnapshots.nameFor(first).value()).isEqualTo("vpsr-safety-" + first.value());
    }

    /**
     * The 202 "awaiting safety snapshot" answer holds the instant its intent is stored at, to the microsecond, as the
     * row and the event do (ADR 0040, amended session 38): it carried the clock's nanoseconds, which no read of the
     * operation gives back (session 42).
     */
    @Test
    void theWaitingRestoreIsAnsweredAtTheMicrosecondItsIntentIsStoredAt() {
        platform.clock.setTo(Instant.parse("2026-11-23T09:00:00.123456789Z"));
        Instant stored = Instant.parse("2026-11-23T09:00:00.123456Z");

        RecoveryOperation restore = waiting(restore(platform.as(BLUE), false));

        assertThat(restore.acceptedAt()).isEqualTo(stored);
        assertThat(restore.updatedAt()).isEqualTo(stored);
        assertThat(restore.deadline().getNano() % 1_000).isZero();
        AuditEvent intent = platform.history.all().stream()
                .filter(e -> e.operation() == Operation.RESTORE_SNAPSHOT && e.outcome() instanceof Outcome.Accepted)
                .findFirst().orElseThrow();
        assertThat(intent.occurredAt()).isEqualTo(restore.acceptedAt());
    }

    @Test
    void aRestoreWaitsForItsSafetySnapshotAndRunsOnceItCompletes() {
        CallContext context = platform.as(BLUE);

        RecoveryOperation restore = waiting(restore(context, false));

        assertThat(restore.state()).isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT);
        assertThat(restore.id()).isEqualTo(context.operationId());
        assertThat(platform.providerCallsStartingWith("create snapshot on " + WEB)).isOne();
        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(safetySnapshotOf(restore).status().is(CreationStatus.Phase.IN_PROGRESS)).isTrue();
        // The waiting restore holds its server: nothing else restores it meanwhile.
        assertThatThrownBy(() -> restore(platform.as(BLUE), true)).isInstanceOf(RecoveryDenied.class);

        assertThat(continuation.tick()).isZero(); // the snapshot is still in progress
        assertThat(stored(restore).state()).isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT);

        platform.provider.finishCreations();
        platform.tracker().tick();
        assertThat(continuation.tick()).isOne();
        assertThat(continuation.tick()).isZero(); // once: it is no longer waiting

        assertThat(platform.provider.calls()).containsSubsequence("create snapshot on " + WEB, "restore snapshot 801");
        assertThat(platform.providerCallsStartingWith("restore")).isOne();
        assertThat(stored(restore).state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(platform.eventsOf(context)).extracting(SafetySnapshotRestoreTest::describe).containsExactly(
                "RESTORE_SNAPSHOT ACCEPTED",
                "CREATE_SNAPSHOT ACCEPTED", "CREATE_SNAPSHOT SUBMITTED", "CREATE_SNAPSHOT COMPLETED",
                "RESTORE_SNAPSHOT SUBMITTED");
        List<AuditEvent> restoreEvents = platform.eventsOf(context).stream()
                .filter(e -> e.operation() == Operation.RESTORE_SNAPSHOT).toList();
        assertThat(restoreEvents).extracting(e -> e.detail().get(AuditEvent.SAFETY_SNAPSHOT))
                .containsExactly(SafetySnapshots.PENDING, SafetySnapshots.COMPLETED);
        assertThat(restoreEvents).allSatisfy(e -> assertThat(e.detail())
                .containsEntry(AuditEvent.ATTEMPT_ID, restore.id().toString())
                .containsEntry(AuditEvent.SAFETY_SNAPSHOT_OPERATION_ID, SafetySnapshots.operationOf(restore.id()).toString()));
    }

    @Test
    void aFailedSafetySnapshotMeansTheRestoreNeverRuns() {
        CallContext context = platform.as(BLUE);
        RecoveryOperation restore = waiting(restore(context, false));

        platform.provider.replaceSnapshot(safetySnapshotOf(restore).id(), CreationStatus.FAILED);
        platform.tracker().tick();
        assertThat(continuation.tick()).isOne();

        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(stored(restore).state()).isEqualTo(OperationState.FAILED);
        AuditEvent last = platform.eventsOf(context).getLast();
        assertThat(last.operation()).isEqualTo(Operation.RESTORE_SNAPSHOT);
        assertThat(last.outcome()).isInstanceOfSatisfying(Outcome.Failed.class,
                failed -> assertThat(failed.reason()).isEqualTo(ReasonCode.SAFETY_SNAPSHOT_FAILED));
        assertThat(last.detail()).containsEntry(AuditEvent.SAFETY_SNAPSHOT, SafetySnapshots.FAILED);
        // No longer held: the server may be restored again.
        assertThat(restore(platform.as(BLUE), true)).isInstanceOf(RestoreAnswer.Started.class);
    }

    /** VPS.org unreadable for the check after the snapshot completed says nothing of the restore: it waits a round. */
    @Test
    void aVpsOrgOutageDuringTheCheckLeavesTheRestoreWaitingForTheNextRound() {
        CallContext context = platform.as(BLUE);
        RecoveryOperation restore = waiting(restore(context, false));
        platform.provider.finishCreations();
        platform.tracker().tick();

        platform.provider.failNextCallWith(new org.vpsrecovery.domain.port.ProviderFailure(
                org.vpsrecovery.domain.port.ProviderFailure.Kind.UNAVAILABLE, "VPS.org answered 503"));
        assertThat(continuation.tick()).isZero();
        assertThat(stored(restore).state()).isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT);

        assertThat(continuation.tick()).isOne();
        assertThat(platform.providerCallsStartingWith("restore")).isOne();
        assertThat(stored(restore).state()).isEqualTo(OperationState.IN_PROGRESS);
    }

    private RecoveryOperation waitingWithItsSnapshotCompleted(CallContext context) {
        RecoveryOperation restore = waiting(restore(context, false));
        platform.provider.finishCreations();
        platform.tracker().tick();
        return restore;
    }

    /**
     * VPS.org rate limited the restore's own call (429): nothing was done, so the restore waits for the next round,
     * which asks again. Before, it ended FAILED for good, though the check just before takes a 429 as "not now".
     */
    @Test
    void aRestoreCallVpsOrgRateLimitedLeavesTheRestoreWaitingAndTheNextRoundAsksAgain() {
        CallContext context = platform.as(BLUE);
        RecoveryOperation restore = waitingWithItsSnapshotCompleted(context);
        platform.provider.breakNextCall("restore", new ProviderFailure(ProviderFailure.Kind.RATE_LIMITED, "429"));

        assertThat(continuation.tick()).isZero();

        assertThat(stored(restore).state()).isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT);
        assertThat(stored(restore).deadline()).as("its deadline while it waits").isEqualTo(restore.deadline());
        assertThat(platform.eventsOf(context)).noneSatisfy(e -> assertThat(e.outcome().kind()).isEqualTo(Outcome.Kind.FAILED));

        assertThat(continuation.tick()).isOne();

        assertThat(platform.providerCallsStartingWith("restore snapshot 801")).as("the refused call, then the taken one")
                .isEqualTo(2);
        assertThat(stored(restore).state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(platform.eventsOf(context).stream().filter(e -> e.operation() == Operation.RESTORE_SNAPSHOT))
                .extracting(SafetySnapshotRestoreTest::describe)
                .containsExactly("RESTORE_SNAPSHOT ACCEPTED", "RESTORE_SNAPSHOT SUBMITTED");
    }

    /** A restore call never sent (the circuit open) waits as well: VPS.org certainly did nothing. */
    @Test
    void aRestoreCallNeverSentLeavesTheRestoreWaiting() {
        CallContext context = platform.as(BLUE);
        RecoveryOperation restore = waitingWithItsSnapshotCompleted(context);
        platform.provider.breakNextCall("restore", new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE,
                "VPS.org failed repeatedly; calls are refused for 30 s more (circuit open), nothing was sent"));

        assertThat(continuation.tick()).isZero();
        assertThat(stored(restore).state()).isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT);

        assertThat(continuation.tick()).isOne();
        assertThat(stored(restore).state()).isEqualTo(OperationState.IN_PROGRESS);
    }

    /**
     * A restore call never sent that cannot wait again (the store refuses its move back to waiting) ends FAILED, its
     * cause saying "not sent" as every failed event of a call never sent does (ADR 0010, amended in session 52): it
     * carried the adapter's text alone, which reads as a call VPS.org failed.
     */
    @Test
    void aRestoreCallNeverSentThatCannotWaitAgainIsRecordedNotSent() {
        CallContext context = platform.as(BLUE);
        RecoveryOperation restore = waitingWithItsSnapshotCompleted(context);
        RecoveryOperations noMoveBack = new ForwardingRecoveryOperations(platform.operations) {
            @Override
            public boolean update(RecoveryOperation from, RecoveryOperation next) {
                if (from.state() == OperationState.ACCEPTED && next.state() == OperationState.AWAITING_SAFETY_SNAPSHOT) {
                    throw new IllegalStateException("the store is out of reach");
                }
                return super.update(from, next);
            }
        };
        ContinueRestoresService continuing = new ContinueRestoresService(noMoveBack, safety, platform.listSnapshots(),
                platform.listBackups(), platform.ownership, new InMemoryServerLock(Duration.ofSeconds(30)),
                platform.auditWriter, TrackingDeadlines.DEFAULTS, platform.clock);
        String adapters = "VPS.org failed repeatedly; calls are refused for 30 s more (circuit open), nothing was sent";
        platform.provider.breakNextCall("restore", ProviderFailure.neverSent(ProviderFailure.NotSent.CIRCUIT_OPEN,
                adapters, Optional.of(Duration.ofSeconds(30)), null));

        assertThat(continuing.tick()).isOne();

        assertThat(stored(restore).state()).isEqualTo(OperationState.FAILED);
        assertThat(platform.eventsOf(context).getLast().outcome()).isInstanceOfSatisfying(Outcome.Failed.class,
                failed -> assertThat(failed.cause()).isEqualTo("not sent (the call never left this instance): " + adapters));
    }

    /**
     * {@code count} restores of WEB from snapshot 801 waiting for safety snapshots still being made, as a
     * disaster-recovery wave leaves them: the first accepted at {@code from}, each a millisecond after the one before.
     */
    private List<RecoveryOperation> waitingWithSnapshotsInProgress(int count, Instant from) {
        List<RecoveryOperation> wave = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant at = from.plusMillis(i);
            RecoveryOperation restore = RecoveryOperation.awaitingSafetySnapshot(OperationId.random(), BLUE,
                    new RequestId("wave-" + i), Operation.RESTORE_SNAPSHOT, WEB, ResourceRef.of(completed.id()),
                    Optional.empty(), at, Duration.ofHours(1));
            platform.operations.add(restore);
            platform.operations.add(RecoveryOperation.accepted(SafetySnapshots.operationOf(restore.id()), BLUE,
                    new RequestId("wave-" + i), Operation.CREATE_SNAPSHOT, WEB, Optional.empty(), at,
                    Duration.ofMinutes(30)));
            wave.add(restore);
        }
        return wave;
    }

    /**
     * 501 restores wait, the oldest's safety snapshot completed: one round moves it on. Before, the round read only
     * the newest page of 500, so the oldest was never looked at (nor failed at its deadline) and held its server.
     */
    @Test
    void theOldestOfMoreThanAPageOfWaitingRestoresMovesOnOnceItsSafetySnapshotCompletes() {
        RecoveryOperation oldest = waitingWithItsSnapshotCompleted(platform.as(BLUE));
        platform.clock.advance(Duration.ofSeconds(1));
        List<RecoveryOperation> newer = waitingWithSnapshotsInProgress(RecoveryOperations.MAX_PAGE, platform.clock.instant());
        platform.clock.advance(Duration.ofSeconds(1));

        assertThat(continuation.tick()).isOne();

        assertThat(stored(oldest).state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(platform.providerCallsStartingWith("restore snapshot 801")).isOne();
        assertThat(newer).allSatisfy(restore -> assertThat(stored(restore).state())
                .isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT));
    }

    /** Behind a full page of older waiting restores, the newest, its safety snapshot completed, moves on in the same round. */
    @Test
    void aWaitingRestoreBehindAFullPageOfOlderOnesMovesOnInTheSameRound() {
        RecoveryOperation newest = waitingWithItsSnapshotCompleted(platform.as(BLUE));
        List<RecoveryOperation> older = waitingWithSnapshotsInProgress(RecoveryOperations.MAX_PAGE,
                platform.clock.instant().minus(Duration.ofMinutes(5)));

        assertThat(continuation.tick()).isOne();

        assertThat(stored(newest).state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(older).allSatisfy(restore -> assertThat(stored(restore).state())
                .isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT));
    }

    /** A restore VPS.org keeps refusing with nothing done waits no longer than its deadline, then ends never run. */
    @Test
    void aRestoreVpsOrgKeepsRateLimitingEndsAtItsDeadlineNeverRun() {
        CallContext context = platform.as(BLUE);
        RecoveryOperation restore = waitingWithItsSnapshotCompleted(context);
        platform.provider.breakNextCall("restore", new ProviderFailure(ProviderFailure.Kind.RATE_LIMITED, "429"));
        assertThat(continuation.tick()).isZero();

        platform.clock.advance(Duration.between(platform.clock.instant(), stored(restore).deadline()).plusSeconds(1));
        assertThat(continuation.tick()).isOne();

        assertThat(platform.providerCallsStartingWith("restore")).isOne();
        assertThat(stored(restore).state()).isEqualTo(OperationState.FAILED);
        assertThat(platform.eventsOf(context).getLast().outcome().reasonCode()).contains(ReasonCode.SAFETY_SNAPSHOT_FAILED);
    }

    /** After a 429 the rest of the round asks VPS.org nothing: the next waiting restore is asked in the next round. */
    @Test
    void afterARateLimitTheRestOfTheRoundAsksVpsOrgNothing() {
        Snapshot onSpare = platform.provider.addSnapshot(811, platform.spare, CreationStatus.COMPLETED);
        RecoveryOperation first = waiting(restore(platform.as(BLUE), false));
        RecoveryOperation second = waiting(platform.restoreSnapshot(safety)
                .requestRestore(new RestoreSnapshotCommand(platform.as(BLUE), onSpare.id(), false)));
        platform.provider.finishCreations();
        platform.tracker().tick();
        platform.provider.breakNextCall("restore", new ProviderFailure(ProviderFailure.Kind.RATE_LIMITED, "429"));

        assertThat(continuation.tick()).isZero();

        assertThat(platform.providerCallsStartingWith("restore")).as("only the call VPS.org rate limited").isOne();
        assertThat(List.of(stored(first).state(), stored(second).state()))
                .containsOnly(OperationState.AWAITING_SAFETY_SNAPSHOT);

        assertThat(continuation.tick()).isEqualTo(2);
        assertThat(platform.providerCallsStartingWith("restore")).isEqualTo(3);
        assertThat(List.of(stored(first).state(), stored(second).state())).containsOnly(OperationState.IN_PROGRESS);
    }

    /** Past its deadline the waiting restore holds the server no more: a snapshot completing then runs no restore. */
    @Test
    void aSafetySnapshotCompletingAfterTheRestoresHoldEndedRunsNoRestore() {
        CallContext context = platform.as(BLUE);
        RecoveryOperation restore = waiting(restore(context, false));
        platform.provider.finishCreations();
        platform.tracker().tick();
        platform.clock.advance(Duration.between(platform.clock.instant(), stored(restore).deadline()).plusSeconds(1));

        assertThat(continuation.tick()).isOne();

        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(stored(restore).state()).isEqualTo(OperationState.FAILED);
        assertThat(platform.eventsOf(context).getLast().outcome().reasonCode()).contains(ReasonCode.SAFETY_SNAPSHOT_FAILED);
    }

    /**
     * An automatic backup close to its expiry, restored with a safety snapshot: VPS.org removes the backup while the restore
     * waits. The snapshot completed and is listed, so the restore ends FAILED with the re-check's own reason, {@code
     * BACKUP_NOT_FOUND}, its safety snapshot recorded completed. It ended {@code SAFETY_SNAPSHOT_FAILED} with {@code
     * safety_snapshot: failed}, which the listed snapshot contradicted (ADR 0029, amended in session 49).
     */
    @Test
    void aBackupGoneWhileTheRestoreWaitedEndsItNotFoundWithItsSafetySnapshotCompleted() {
        Backup daily = platform.provider.addBackup(495, platform.web, BackupType.AUTOMATIC, CreationStatus.COMPLETED,
                Optional.of(platform.clock.instant().plus(Duration.ofMinutes(2))));
        CallContext context = platform.as(BLUE);
        RecoveryOperation restore = waiting(platform.restoreServerFromBackup(safety)
                .requestRestore(new RestoreServerFromBackupCommand(context, WEB, daily.id(), false)));
        platform.clock.advance(Duration.ofMinutes(4));
        platform.provider.finishCreations();
        platform.tracker().tick();

        assertThat(continuation.tick()).isOne();

        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(stored(restore).state()).isEqualTo(OperationState.FAILED);
        AuditEvent last = platform.eventsOf(context).getLast();
        assertThat(last.outcome().kind()).isEqualTo(Outcome.Kind.FAILED);
        assertThat(last.outcome().reasonCode()).contains(ReasonCode.BACKUP_NOT_FOUND);
        assertThat(last.detail()).containsEntry(AuditEvent.SAFETY_SNAPSHOT, SafetySnapshots.COMPLETED);
        assertThat(safetySnapshotOf(restore).isCompleted()).isTrue();
    }

    /**
     * While a restore holds the server, only its own safety snapshot is made of it (taken before VPS.org is asked to
     * restore): a person's create, or one naming another restore, is refused {@code SERVER_RESTORING} (ADR 0003, amended
     * in session 49).
     */
    @Test
    void whileARestoreWaitsForItsSafetySnapshotOnlyThatSnapshotIsMadeOfTheServer() {
        RecoveryOperation restore = waiting(restore(platform.as(BLUE), false));
        assertThat(safetySnapshotOf(restore).isInProgress()).isTrue();
        var name = new org.vpsrecovery.domain.snapshot.SnapshotName("mine");

        assertThatThrownBy(() -> platform.createSnapshot().createSnapshot(
                new CreateSnapshotCommand(platform.as(BLUE), WEB, name, Optional.empty())))
                .isInstanceOfSatisfying(RecoveryDenied.class,
                        denied -> assertThat(denied.reason()).isEqualTo(ReasonCode.SERVER_RESTORING));
        assertThatThrownBy(() -> platform.createSnapshot().createSnapshot(new CreateSnapshotCommand(platform.as(BLUE), WEB,
                name, Optional.empty(), Optional.of(new OperationId(java.util.UUID.randomUUID())))))
                .isInstanceOfSatisfying(RecoveryDenied.class,
                        denied -> assertThat(denied.reason()).isEqualTo(ReasonCode.SERVER_RESTORING));
        assertThat(platform.providerCallsStartingWith("create snapshot")).isOne();
    }

    /** Released while waiting for its safety snapshot, the restore is recorded not done: VPS.org was never asked. */
    @Test
    void aWaitingRestoreReleasedIsRecordedNotDoneNeverUnverifiable() {
        CallContext context = platform.as(BLUE);
        RecoveryOperation restore = waiting(restore(context, false));

        platform.restoreHolds().releaseRestoreHold(new org.vpsrecovery.application.server.ReleaseRestoreHoldCommand(
                platform.as(BLUE), WEB));

        assertThat(stored(restore).state()).isEqualTo(OperationState.RELEASED);
        AuditEvent last = platform.eventsOf(context).getLast();
        assertThat(last.operation()).isEqualTo(Operation.RESTORE_SNAPSHOT);
        assertThat(last.outcome()).isInstanceOfSatisfying(Outcome.Failed.class,
                failed -> assertThat(failed.reason()).isEqualTo(ReasonCode.RESTORE_HOLD_RELEASED));
        assertThat(platform.providerCallsStartingWith("restore")).isZero();
    }

    /** A fault around the safety snapshot's create: the stored restore is answered waiting, never an error. */
    @Test
    void aFaultAroundTheSafetySnapshotsCreateLeavesTheRestoreWaitingForItsEnd() {
        CallContext context = platform.as(BLUE);
        platform.provider.breakNextCall("create snapshot", new IllegalStateException("a fault around the call"));

        RecoveryOperation restore = waiting(restore(context, false));

        assertThat(stored(restore).state()).isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT);
        assertThat(platform.providerCallsStartingWith("restore")).isZero();
    }

    /**
     * The safety snapshot's create made at VPS.org with its answer lost (OUTCOME_UNKNOWN): the create is on record
     * UNRESOLVED, so the restore waits for the tracker to find it, then runs. Before, the restore ended FAILED
     * SAFETY_SNAPSHOT_FAILED at once while the create was later found and completed: an orphan safety snapshot.
     */
    @Test
    void aSafetySnapshotCreateWhoseAnswerWasLostLeavesTheRestoreWaitingAndItRunsOnceTheCreateIsFound() {
        CallContext context = platform.as(BLUE);
        platform.provider.loseNextMutationAnswer();

        RecoveryOperation restore = waiting(restore(context, false));

        assertThat(stored(restore).state()).isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT);
        assertThat(platform.eventsOf(context)).noneSatisfy(e -> assertThat(e.outcome().kind()).isEqualTo(Outcome.Kind.FAILED));
        assertThat(continuation.tick()).isZero(); // the create is unresolved: nothing to decide yet

        platform.provider.finishCreations();
        platform.tracker().tick(); // found at VPS.org
        platform.tracker().tick(); // completed there
        assertThat(continuation.tick()).isOne();

        assertThat(platform.providerCallsStartingWith("restore snapshot 801")).isOne();
        assertThat(stored(restore).state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(platform.eventsOf(context)).extracting(SafetySnapshotRestoreTest::describe).containsExactly(
                "RESTORE_SNAPSHOT ACCEPTED",
                "CREATE_SNAPSHOT ACCEPTED", "CREATE_SNAPSHOT UNRESOLVED", "CREATE_SNAPSHOT SUBMITTED",
                "CREATE_SNAPSHOT COMPLETED",
                "RESTORE_SNAPSHOT SUBMITTED");
    }

    /** A lost create VPS.org never made: the tracker ends it not made, and the restore then ends FAILED, never run. */
    @Test
    void aSafetySnapshotCreateWhoseAnswerWasLostAndWasNeverMadeEndsTheRestoreOnceTheTrackerSaysSo() {
        CallContext context = platform.as(BLUE);
        platform.provider.breakNextCall("create snapshot", new org.vpsrecovery.domain.port.ProviderFailure(
                org.vpsrecovery.domain.port.ProviderFailure.Kind.OUTCOME_UNKNOWN, "no answer within the read timeout"));

        RecoveryOperation restore = waiting(restore(context, false));
        assertThat(stored(restore).state()).isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT);

        platform.tracker().tick(); // not at VPS.org: the create ends FAILED
        assertThat(continuation.tick()).isOne();

        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(stored(restore).state()).isEqualTo(OperationState.FAILED);
        assertThat(platform.eventsOf(context)).extracting(SafetySnapshotRestoreTest::describe).containsExactly(
                "RESTORE_SNAPSHOT ACCEPTED", "CREATE_SNAPSHOT ACCEPTED", "CREATE_SNAPSHOT UNRESOLVED",
                "CREATE_SNAPSHOT FAILED", "RESTORE_SNAPSHOT FAILED");
        assertThat(platform.eventsOf(context).getLast().outcome().reasonCode()).contains(ReasonCode.SAFETY_SNAPSHOT_FAILED);
    }

    @Test
    void atTheSnapshotLimitTheRestoreIsRefusedBeforeAnythingIsCreated() {
        for (long id = 802; id <= 805; id++) {
            platform.provider.addSnapshot(id, platform.web, CreationStatus.COMPLETED);
        }
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> restore(context, false))
                .isInstanceOf(RecoveryDenied.class)
                .satisfies(e -> assertThat(((RecoveryException) e).reason()).isEqualTo(ReasonCode.SAFETY_SNAPSHOT_LIMIT_REACHED));

        assertThat(platform.providerCallsStartingWith("create")).isZero();
        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(platform.operations.find(context.operationId())).isEmpty();
        assertThat(platform.eventsOf(context)).singleElement().extracting(AuditEvent::outcome)
                .isEqualTo(new Outcome.Rejected(ReasonCode.SAFETY_SNAPSHOT_LIMIT_REACHED));
    }

    @Test
    void aSkippedSafetySnapshotRestoresAtOnceAndTheSkipIsAudited() {
        CallContext context = platform.as(BLUE);

        RestoreAnswer<SnapshotRestoreStarted> answer = restore(context, true);

        assertThat(answer).isInstanceOf(RestoreAnswer.Started.class);
        assertThat(platform.providerCallsStartingWith("create")).isZero();
        assertThat(platform.providerCallsStartingWith("restore snapshot 801")).isOne();
        assertThat(platform.eventsOf(context)).extracting(e -> e.outcome().kind())
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
        assertThat(platform.eventsOf(context)).allSatisfy(e -> assertThat(e.detail())
                .containsEntry(AuditEvent.SAFETY_SNAPSHOT, SafetySnapshots.SKIPPED));
    }

    @Test
    void aTeamWhoseSettingIsOffRestoresAtOnceWithNoSafetySnapshot() {
        SafetySnapshots off = platform.safetySnapshots(SafetySnapshotSettings.always(false));
        CallContext context = platform.as(BLUE);

        var answer = platform.restoreSnapshot(off).requestRestore(new RestoreSnapshotCommand(context, completed.id()));

        assertThat(answer).isInstanceOf(RestoreAnswer.Started.class);
        assertThat(platform.providerCallsStartingWith("create")).isZero();
        assertThat(platform.eventsOf(context)).allSatisfy(e -> assertThat(e.detail()).doesNotContainKey(AuditEvent.SAFETY_SNAPSHOT));
    }

    @Test
    void aRestoreFromAnotherServersBackupSnapshotsTheTargetFirst() {
        Backup backup = platform.provider.addBackup(601, platform.web, BackupType.MANUAL, CreationStatus.COMPLETED,
                Optional.empty());
        CallContext context = platform.as(BLUE);

        RestoreAnswer<BackupRestoreStarted> answer = platform.restoreServerFromBackup(safety)
                .requestRestore(new RestoreServerFromBackupCommand(context, SPARE, backup.id()));
        RecoveryOperation restore = waiting(answer);
        assertThat(restore.resource()).contains(ResourceRef.of(backup.id()));
        assertThat(restore.resourceServer()).contains(WEB);
        assertThat(platform.providerCallsStartingWith("create snapshot on " + SPARE)).isOne();

        platform.provider.finishCreations();
        platform.tracker().tick();
        assertThat(continuation.tick()).isOne();

        assertThat(platform.provider.calls()).containsSubsequence("create snapshot on " + SPARE,
                "restore server " + SPARE + " from backup 601");
        assertThat(stored(restore).state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(platform.eventsOf(context).getLast().operation()).isEqualTo(Operation.RESTORE_SERVER_FROM_BACKUP);
        assertThat(platform.eventsOf(context).getLast().outcome().kind()).isEqualTo(Outcome.Kind.SUBMITTED);
    }

    /**
     * A restore from another server's backup is one change on two servers (ADR 0026), held all at once: on an instance
     * with one lock connection, a lock that refuses a hold asked for while this thread's change already holds one (what
     * PgServerLock's permits did after their whole wait, ADR 0023, amended in session 45), the request and the round
     * that runs the restore each hold both servers as one change. Nested holds were refused: REJECTED "at capacity".
     */
    @Test
    void aRestoreFromAnotherServersBackupHoldsBothServersAsOneChange() {
        OneLockConnection oneConnection = new OneLockConnection();
        AuditedAttempts attempts = platform.attempts(oneConnection);
        CreateSnapshotService create = new CreateSnapshotService(platform.provider, platform.ownership, platform.limits, platform.serverStates(),
                attempts);
        SafetySnapshots lockedSafety = new SafetySnapshots(SafetySnapshotSettings.always(true), SafetySnapshotRotation.NONE,
                (ctx, restore, server, name, description) -> create.createSnapshot(
                        new CreateSnapshotCommand(ctx, server, name, Optional.of(description), Optional.of(restore))),
                platform.provider, platform.limits, platform.operations, platform.auditWriter,
                TrackingDeadlines.DEFAULTS, platform.clock);
        ContinueRestoresService rounds = new ContinueRestoresService(platform.operations, lockedSafety,
                platform.listSnapshots(), platform.listBackups(), platform.ownership, oneConnection, platform.auditWriter,
                TrackingDeadlines.DEFAULTS, platform.clock);
        Backup backup = platform.provider.addBackup(602, platform.web, BackupType.MANUAL, CreationStatus.COMPLETED,
                Optional.empty());
        CallContext context = platform.as(BLUE);

        RecoveryOperation restore = waiting(new RestoreRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), attempts, platform.clock, Optional.of(lockedSafety))
                .requestRestore(new RestoreServerFromBackupCommand(context, SPARE, backup.id())));
        platform.provider.finishCreations();
        platform.tracker().tick();
        assertThat(rounds.tick()).isOne();

        assertThat(platform.provider.calls()).containsSubsequence("create snapshot on " + SPARE,
                "restore server " + SPARE + " from backup 602");
        assertThat(stored(restore).state()).isEqualTo(OperationState.IN_PROGRESS);
        // The request's change and the round's, each on both servers, lowest id (WEB) first.
        assertThat(oneConnection.changes).containsExactly(List.of(WEB, SPARE), List.of(WEB, SPARE));
    }

    /**
     * An instance with one lock connection: a change holds it for all its servers; a hold asked for while this thread's
     * change holds it is refused, as the store's capacity refusal ends a wait for a permit this thread itself holds.
     */
    private static final class OneLockConnection implements ServerLock {
        private final InMemoryServerLock servers = new InMemoryServerLock(Duration.ofSeconds(5));
        private final ThreadLocal<Boolean> inChange = ThreadLocal.withInitial(() -> false);
        /** The servers of each change, in the order taken. */
        final List<List<ServerId>> changes = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public <T> T callExclusively(ServerId server, java.util.function.Supplier<T> work) {
            return callHoldingAll(List.of(server), hold -> work.get());
        }

        @Override
        public <T> T callHolding(ServerId server, java.util.function.Function<Hold, T> work) {
            return callHoldingAll(List.of(server), work);
        }

        @Override
        public <T> T callHoldingAll(java.util.Collection<ServerId> held, java.util.function.Function<Hold, T> work) {
            if (inChange.get()) {
                throw new org.vpsrecovery.domain.port.PlatformUnavailable("this instance is at its capacity of 1 "
                        + "changes at once on other servers", Duration.ofSeconds(2), null);
            }
            inChange.set(true);
            try {
                List<ServerId> inOrder = ServerLock.inIdOrder(held);
                changes.add(inOrder);
                return servers.callHoldingAll(inOrder, work);
            } finally {
                inChange.set(false);
            }
        }
    }

    @Test
    void aWaitingRestoreWhoseSnapshotWasNeverAskedForFailsAfterAWhile() {
        CallContext context = platform.as(BLUE);
        RecoveryOperation orphan = RecoveryOperation.awaitingSafetySnapshot(context.operationId(), BLUE,
                context.requestId(), Operation.RESTORE_SNAPSHOT, WEB, ResourceRef.of(completed.id()), Optional.empty(),
                platform.clock.instant(), Duration.ofMinutes(45));
        platform.operations.add(orphan);

        assertThat(continuation.tick()).isZero();
        platform.clock.advance(ContinueRestoresService.NO_SNAPSHOT_AFTER.plusSeconds(1));
        assertThat(continuation.tick()).isOne();

        assertThat(stored(orphan).state()).isEqualTo(OperationState.FAILED);
        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(platform.eventsOf(context).getLast().outcome()).isInstanceOfSatisfying(Outcome.Failed.class,
                failed -> assertThat(failed.reason()).isEqualTo(ReasonCode.SAFETY_SNAPSHOT_FAILED));
    }

    /**
     * An approved restore began to wait for its safety snapshot when it ran, an hour after it was asked: the while
     * before one never asked for fails it is counted from its run (before: from its ask, so it failed at the first look).
     */
    @Test
    void anApprovedRestoreWhoseSnapshotWasNeverAskedForFailsAWhileAfterItsRunNotAtOnce() {
        CallContext context = platform.as(BLUE);
        RecoveryOperation pending = RecoveryOperation.pendingApproval(context.operationId(), BLUE, context.requestId(),
                Operation.RESTORE_SNAPSHOT, WEB, ResourceRef.of(completed.id()), Optional.empty(),
                org.vpsrecovery.domain.approval.Approval.requested(
                        org.vpsrecovery.domain.audit.Actor.of("alice", org.vpsrecovery.domain.audit.Actor.Authentication.JWT, "k"),
                        platform.clock.instant(), platform.clock.instant().plus(Duration.ofHours(2)), false));
        platform.operations.add(pending);
        platform.clock.advance(Duration.ofHours(1));
        RecoveryOperation approved = pending.approve(
                org.vpsrecovery.domain.audit.Actor.of("bob", org.vpsrecovery.domain.audit.Actor.Authentication.JWT, "k"),
                platform.clock.instant(), Optional.empty(), Duration.ofMinutes(10));
        assertThat(platform.operations.update(pending, approved)).isTrue();
        RecoveryOperation orphan = approved.run(RecoveryOperation.awaitingSafetySnapshot(context.operationId(), BLUE,
                context.requestId(), Operation.RESTORE_SNAPSHOT, WEB, ResourceRef.of(completed.id()), Optional.empty(),
                platform.clock.instant(), Duration.ofMinutes(45)));
        assertThat(platform.operations.update(approved, orphan)).isTrue();

        assertThat(continuation.tick()).isZero();
        assertThat(stored(orphan).state()).isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT);
        platform.clock.advance(ContinueRestoresService.NO_SNAPSHOT_AFTER.plusSeconds(1));
        assertThat(continuation.tick()).isOne();

        assertThat(stored(orphan).state()).isEqualTo(OperationState.FAILED);
        assertThat(platform.providerCallsStartingWith("restore")).isZero();
    }

    /**
     * A slow VPS.org keeps the restore's request in its safety create's list reads, holding the restore's lock, past
     * {@code NO_SNAPSHOT_AFTER} before the create's operation is stored. The continuation decides "no safety snapshot
     * was taken" under that lock, so it finds the server busy and leaves the restore waiting; the create then goes
     * ahead and the restore follows it (before, it was ended FAILED and the create went ahead anyway: an orphan snapshot).
     */
    @Test
    void aRestoreWhoseRequestIsStillAskingForItsSafetySnapshotIsNotFailedForHavingNone() throws Exception {
        ServerLock shared = new InMemoryServerLock(Duration.ofMillis(200));
        java.util.concurrent.CountDownLatch inTheCreatesList = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch vpsOrgAnswers = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean slowOnce = new java.util.concurrent.atomic.AtomicBoolean(true);
        org.vpsrecovery.domain.port.SnapshotProvider slowList = (org.vpsrecovery.domain.port.SnapshotProvider)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {org.vpsrecovery.domain.port.SnapshotProvider.class}, (proxy, method, args) -> {
                            if (method.getName().startsWith("listSnapshots") && slowOnce.compareAndSet(true, false)) {
                                inTheCreatesList.countDown();
                                vpsOrgAnswers.await();
                            }
                            try {
                                return method.invoke(platform.provider, args);
                            } catch (java.lang.reflect.InvocationTargetException thrown) {
                                throw thrown.getCause();
                            }
                        });
        AuditedAttempts attempts = platform.attempts(shared);
        CreateSnapshotService slowCreate = new CreateSnapshotService(slowList, platform.ownership, platform.limits, platform.serverStates(), attempts);
        SafetySnapshots slowSafety = new SafetySnapshots(SafetySnapshotSettings.always(true), SafetySnapshotRotation.NONE,
                (ctx, restore, server, name, description) -> slowCreate.createSnapshot(
                        new CreateSnapshotCommand(ctx, server, name, Optional.of(description), Optional.of(restore))),
                platform.provider, platform.limits, platform.operations, platform.auditWriter,
                TrackingDeadlines.DEFAULTS, platform.clock);
        ContinueRestoresService sharingTheLock = new ContinueRestoresService(platform.operations, slowSafety,
                platform.listSnapshots(), platform.listBackups(), platform.ownership, shared, platform.auditWriter,
                TrackingDeadlines.DEFAULTS, platform.clock);
        CallContext context = platform.as(BLUE);
        java.util.concurrent.ExecutorService requests = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<RestoreAnswer<SnapshotRestoreStarted>> answer = requests.submit(() ->
                    new RestoreRecoveryPointService(platform.provider, platform.provider, platform.ownership,
                            platform.serverStates(), attempts, platform.clock, Optional.of(slowSafety))
                            .requestRestore(new RestoreSnapshotCommand(context, completed.id(), false)));
            assertThat(inTheCreatesList.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue(); // a bound, not a timing
            RecoveryOperation restore = platform.operations.find(context.operationId()).orElseThrow();
            platform.clock.advance(ContinueRestoresService.NO_SNAPSHOT_AFTER.plusSeconds(1));

            assertThat(sharingTheLock.tick()).isZero();
            assertThat(stored(restore).state()).isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT);

            vpsOrgAnswers.countDown();
            waiting(answer.get());
            assertThat(stored(restore).state()).isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT);
            assertThat(platform.operations.find(SafetySnapshots.operationOf(restore.id()))).isPresent();
            assertThat(sharingTheLock.tick()).isZero(); // its snapshot is in progress: it waits for it
            assertThat(platform.eventsOf(context)).noneSatisfy(e -> assertThat(e.outcome().kind())
                    .isEqualTo(Outcome.Kind.FAILED));
        } finally {
            vpsOrgAnswers.countDown();
            requests.shutdownNow();
        }
    }

    /**
     * The teams file moved WEB to GREEN while BLUE's restore waited for its safety snapshot: the snapshot's
     * completion runs no restore over GREEN's server; BLUE's restore ends FAILED SERVER_NOT_FOUND, as the
     * approval path's lookup would answer it now.
     */
    @Test
    void aServerMovedToAnotherTeamWhileTheRestoreWaitedIsNeverRestored() {
        CallContext context = platform.as(BLUE);
        RecoveryOperation restore = waiting(restore(context, false));
        ContinueRestoresService afterTheMove = platform.continueRestores(safety, new FixedServerOwnership(Map.of(
                BLUE, Set.of(SPARE), GREEN, Set.of(PlatformFixture.GREEN_SERVER, WEB))));

        platform.provider.finishCreations();
        platform.tracker().tick();
        assertThat(afterTheMove.tick()).isOne();

        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(stored(restore).state()).isEqualTo(OperationState.FAILED);
        assertThat(stored(restore).note()).hasValueSatisfying(note -> assertThat(note).startsWith("SERVER_NOT_FOUND"));
        AuditEvent last = platform.eventsOf(context).getLast();
        assertThat(last.operation()).isEqualTo(Operation.RESTORE_SNAPSHOT);
        assertThat(last.team()).isEqualTo(BLUE);
        assertThat(last.outcome()).isInstanceOfSatisfying(Outcome.Failed.class,
                failed -> assertThat(failed.reason()).isEqualTo(ReasonCode.SERVER_NOT_FOUND));
        // Truthful: the snapshot did complete; it is the restore that was refused.
        assertThat(last.detail()).containsEntry(AuditEvent.SAFETY_SNAPSHOT, SafetySnapshots.COMPLETED);
        assertThat(afterTheMove.tick()).isZero();
    }

    /** A backup restore whose source server moved away is refused as well, before its snapshot even ends. */
    @Test
    void aRestoreWhoseSourceServerMovedAwayIsEndedWithoutWaitingForTheSnapshot() {
        Backup backup = platform.provider.addBackup(601, platform.web, BackupType.MANUAL, CreationStatus.COMPLETED,
                Optional.empty());
        CallContext context = platform.as(BLUE);
        RecoveryOperation restore = waiting(platform.restoreServerFromBackup(safety)
                .requestRestore(new RestoreServerFromBackupCommand(context, SPARE, backup.id())));
        ContinueRestoresService afterTheMove = platform.continueRestores(safety, new FixedServerOwnership(Map.of(
                BLUE, Set.of(SPARE), GREEN, Set.of(PlatformFixture.GREEN_SERVER, WEB))));

        assertThat(afterTheMove.tick()).isOne();
        platform.provider.finishCreations();
        platform.tracker().tick();
        assertThat(afterTheMove.tick()).isZero();

        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(stored(restore).state()).isEqualTo(OperationState.FAILED);
        assertThat(platform.eventsOf(context).stream().filter(e -> e.operation() == Operation.RESTORE_SERVER_FROM_BACKUP)
                .toList().getLast().outcome().reasonCode()).contains(ReasonCode.SERVER_NOT_FOUND);
    }

    /**
     * The room the check finds (or the rotation makes) is the safety snapshot's: it is asked for in the
     * restore's own hold of the server's lock, so no other create can take the room in between.
     */
    @Test
    void theSafetySnapshotIsAskedForInTheRestoresOwnHoldOfTheLock() {
        ServerLock shared = new InMemoryServerLock(Duration.ofSeconds(5));
        List<String> holds = new java.util.concurrent.CopyOnWriteArrayList<>();
        ServerLock counted = new ServerLock() {
            @Override
            public <T> T callExclusively(ServerId server, java.util.function.Supplier<T> work) {
                return shared.callExclusively(server, () -> {
                    int before = platform.provider.calls().size();
                    try {
                        return work.get();
                    } finally {
                        holds.add(server + ": " + platform.provider.calls().subList(before, platform.provider.calls().size()));
                    }
                });
            }
        };
        AuditedAttempts attempts = platform.attempts(counted);
        CreateSnapshotService create = new CreateSnapshotService(platform.provider, platform.ownership, platform.limits, platform.serverStates(),
                attempts);
        SafetySnapshots lockedSafety = new SafetySnapshots(SafetySnapshotSettings.always(true), SafetySnapshotRotation.NONE,
                (ctx, restore, server, name, description) -> create.createSnapshot(
                        new CreateSnapshotCommand(ctx, server, name, Optional.of(description), Optional.of(restore))),
                platform.provider, platform.limits, platform.operations, platform.auditWriter,
                TrackingDeadlines.DEFAULTS, platform.clock);
        CallContext context = platform.as(BLUE);

        waiting(new RestoreRecoveryPointService(platform.provider, platform.provider, platform.ownership,
                platform.serverStates(), attempts, platform.clock, Optional.of(lockedSafety))
                .requestRestore(new RestoreSnapshotCommand(context, completed.id(), false)));

        assertThat(holds).singleElement().asString().startsWith(WEB + ": ")
                .contains("create snapshot on " + WEB);
    }

    /** A lock lost after the waiting restore is stored, before the safety snapshot's create calls VPS.org (ADR 0023). */
    @Test
    void aLockLostBeforeTheSafetySnapshotEndsTheRestoreServerLockLostNotBlamedOnTheSnapshot() {
        org.vpsrecovery.domain.testing.LosableServerLock losable =
                new org.vpsrecovery.domain.testing.LosableServerLock(Duration.ofSeconds(5));
        java.util.concurrent.atomic.AtomicBoolean lost = losable.lost;
        AuditedAttempts attempts = platform.attempts(losable);
        CreateSnapshotService create = new CreateSnapshotService(platform.provider, platform.ownership, platform.limits, platform.serverStates(),
                attempts);
        SafetySnapshots losingSafety = new SafetySnapshots(SafetySnapshotSettings.always(true), SafetySnapshotRotation.NONE,
                (ctx, restore, server, name, description) -> {
                    lost.set(true); // the lock's session ends as the create begins
                    create.createSnapshot(new CreateSnapshotCommand(ctx, server, name, Optional.of(description), Optional.of(restore)));
                },
                platform.provider, platform.limits, platform.operations, platform.auditWriter,
                TrackingDeadlines.DEFAULTS, platform.clock);
        CallContext context = platform.as(BLUE);

        RestoreAnswer<?> answer = new RestoreRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), attempts, platform.clock, Optional.of(losingSafety))
                .requestRestore(new RestoreSnapshotCommand(context, completed.id(), false));

        assertThat(platform.providerCallsStartingWith("create snapshot")).isZero();
        assertThat(stored(waiting(answer)).state()).isEqualTo(OperationState.FAILED);
        AuditEvent last = platform.eventsOf(context).getLast();
        assertThat(last.operation()).isEqualTo(Operation.RESTORE_SNAPSHOT);
        assertThat(last.outcome()).isInstanceOfSatisfying(Outcome.Failed.class,
                failed -> assertThat(failed.reason()).isEqualTo(ReasonCode.SERVER_LOCK_LOST));
    }
}
