package org.vpsrecovery.application.attempt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.approval.ApprovalGate;
import org.vpsrecovery.application.approval.ApprovalsService;
import org.vpsrecovery.application.approval.DecideApprovalCommand;
import org.vpsrecovery.application.backup.CreateManualBackupCommand;
import org.vpsrecovery.application.hold.HoldCaller;
import org.vpsrecovery.application.hold.PlaceHoldCommand;
import org.vpsrecovery.application.recoverypoint.DeleteRecoveryPointService;
import org.vpsrecovery.application.recoverypoint.RestoreRecoveryPointService;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.application.snapshot.DeleteSnapshotCommand;
import org.vpsrecovery.application.snapshot.RestoreSnapshotCommand;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.domain.testing.InMemoryServerLock;

/**
 * While {@code vpsr.paused-after-restore} is on, the restored database has forgotten the Idempotency-Keys and operations
 * after its restore point: a change VPS.org would make is refused unsent, audited {@code REJECTED PAUSED_AFTER_RESTORE},
 * and so is the approval that would run one; dry runs and the platform's own records stay open (ADR 0028, amended in
 * session 52).
 */
class PausedAfterRestoreTest {

    private final PlatformFixture platform = new PlatformFixture();

    PausedAfterRestoreTest() {
        platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        platform.pausedAfterRestore = true;
    }

    private long mutatingCalls() {
        return platform.provider.calls().stream().filter(c -> !c.startsWith("list")).count();
    }

    private void assertRefusedAndAudited(String operation, Consumer<CallContext> change) {
        CallContext context = platform.as(BLUE);
        long callsBefore = mutatingCalls();

        assertThatThrownBy(() -> change.accept(context)).isInstanceOfSatisfying(PlatformUnavailable.class, refused -> {
            assertThat(refused.reason()).isEqualTo(ReasonCode.PAUSED_AFTER_RESTORE);
            assertThat(refused.retryAfter()).isEqualTo(AuditedAttempts.PAUSED_RETRY_AFTER);
            assertThat(refused.attemptEndedBeforeTheProvider()).isTrue();
        });

        assertThat(mutatingCalls()).isEqualTo(callsBefore);
        assertThat(platform.eventsOf(context)).extracting(e -> e.operation() + " " + e.outcome())
                .containsExactly(operation + " " + new Outcome.Rejected(ReasonCode.PAUSED_AFTER_RESTORE));
    }

    @Test
    void createsDeletesAndRestoresAreRefusedUnsentAndAuditedAsRefused() {
        assertRefusedAndAudited("CREATE_SNAPSHOT", context -> platform.createSnapshot().createSnapshot(
                new CreateSnapshotCommand(context, WEB, new SnapshotName("retried-create"),
                        Optional.of(new Description("a client's retry")))));
        assertRefusedAndAudited("CREATE_MANUAL_BACKUP", context -> platform.createManualBackup().createManualBackup(
                new CreateManualBackupCommand(context, WEB, Optional.empty())));
        assertRefusedAndAudited("DELETE_SNAPSHOT", context -> platform.deleteSnapshot().deleteSnapshot(
                new DeleteSnapshotCommand(context, new SnapshotId(801))));
        assertRefusedAndAudited("RESTORE_SNAPSHOT", context -> platform.restoreSnapshot().restoreSnapshot(
                new RestoreSnapshotCommand(context, new SnapshotId(801))));
        assertThat(platform.operations.list(Optional.empty(), Optional.empty(), Optional.empty(), 10)).isEmpty();
    }

    @Test
    void aDryRunAndThePlatformsOwnRecordsStayOpen() {
        assertThat(platform.plans().planDeleteSnapshot(platform.as(BLUE), new SnapshotId(801)).allowed()).isTrue();

        CallContext holding = platform.as(BLUE);
        platform.recoveryPointHolds().placeHold(new PlaceHoldCommand(new HoldCaller(new HoldActor.Team(BLUE),
                holding.requestId(), OperationId.random()), ResourceRef.of(new SnapshotId(801)), new HoldReason("keep")));

        assertThat(platform.outcomesOf(holding)).doesNotContain(Outcome.Kind.REJECTED).contains(Outcome.Kind.COMPLETED);
        assertThat(platform.history.all()).noneMatch(e -> e.outcome().reasonCode().filter(ReasonCode.PAUSED_AFTER_RESTORE::equals).isPresent());
    }

    @Test
    void anApprovalWouldRunItsChangeSoItIsRefusedAndTheOperationKeepsWaitingWhileADenialIsTaken() {
        Actor alice = Actor.of("alice", Actor.Authentication.JWT, "k1");
        Actor bob = Actor.of("bob", Actor.Authentication.JWT, "k1");
        platform.pausedAfterRestore = false;
        AuditedAttempts open = platform.attempts();
        ApprovalGate gate = new ApprovalGate((team, kind) -> kind.isApprovable() ? Optional.of(Duration.ofMinutes(30))
                : Optional.empty(), open, platform.operations, platform.auditWriter, platform.clock);
        DeleteRecoveryPointService deletes = new DeleteRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), open, platform.holds, Optional.of(gate));
        RestoreRecoveryPointService restores = new RestoreRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), open, platform.clock, Optional.empty(), Optional.of(gate));
        RecoveryOperation pending = deletes.requestDeleteSnapshot(new DeleteSnapshotCommand(
                new CallContext(BLUE, new RequestId("ask"), OperationId.random(), alice), new SnapshotId(801))).orElseThrow();
        AuditedAttempts paused = new AuditedAttempts(platform.auditWriter, platform.operations,
                new InMemoryServerLock(Duration.ofSeconds(30)), platform.clock, TrackingDeadlines.DEFAULTS, true);
        ApprovalsService approvals = new ApprovalsService(platform.operations, paused, platform.auditWriter,
                platform.clock, deletes, deletes, restores, restores);
        long callsBefore = mutatingCalls();
        CallContext approving = new CallContext(BLUE, new RequestId("approve"), OperationId.random(), bob);

        assertThatThrownBy(() -> approvals.decide(new DecideApprovalCommand(approving, pending.id(), Verdict.APPROVE,
                Optional.empty()))).isInstanceOfSatisfying(PlatformUnavailable.class,
                refused -> assertThat(refused.reason()).isEqualTo(ReasonCode.PAUSED_AFTER_RESTORE));

        assertThat(mutatingCalls()).isEqualTo(callsBefore);
        assertThat(platform.operations.find(pending.id()).orElseThrow().state()).isEqualTo(OperationState.PENDING_APPROVAL);
        List<AuditEvent> approvalEvents = platform.eventsOf(approving);
        assertThat(approvalEvents).extracting(e -> e.operation() + " " + e.outcome())
                .containsExactly("APPROVE_OPERATION " + new Outcome.Rejected(ReasonCode.PAUSED_AFTER_RESTORE));

        RecoveryOperation denied = approvals.decide(new DecideApprovalCommand(new CallContext(BLUE,
                new RequestId("deny"), OperationId.random(), bob), pending.id(), Verdict.DENY, Optional.empty()));
        assertThat(denied.state()).isEqualTo(OperationState.DENIED);
    }

    /**
     * An operation approved before the restore point, found approved by the settle job while paused: held back (nothing
     * asked of VPS.org, still approved), and its note says so and until when it may still run, written once, not at each
     * round (ADR 0043, amended in session 53). Before, nothing anywhere said why it waited until its run-by time.
     */
    @Test
    void anApprovalGivenBeforeTheRestorePointIsHeldBackAndItsOperationSaysWhyOnce() {
        Actor alice = Actor.of("alice", Actor.Authentication.JWT, "k1");
        Actor bob = Actor.of("bob", Actor.Authentication.JWT, "k1");
        platform.pausedAfterRestore = false;
        AuditedAttempts open = platform.attempts();
        ApprovalGate gate = new ApprovalGate((team, kind) -> kind.isApprovable() ? Optional.of(Duration.ofMinutes(30))
                : Optional.empty(), open, platform.operations, platform.auditWriter, platform.clock);
        DeleteRecoveryPointService deletes = new DeleteRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), open, platform.holds, Optional.of(gate));
        RestoreRecoveryPointService restores = new RestoreRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), open, platform.clock, Optional.empty(), Optional.of(gate));
        RecoveryOperation pending = deletes.requestDeleteSnapshot(new DeleteSnapshotCommand(
                new CallContext(BLUE, new RequestId("ask-held"), OperationId.random(), alice), new SnapshotId(801)))
                .orElseThrow();
        // Approved before the restore point: the restored database holds it approved, its run not started.
        RecoveryOperation approved = pending.approve(bob, platform.clock.instant(), Optional.empty(),
                ApprovalsService.RUN_BY);
        assertThat(platform.operations.update(pending, approved)).isTrue();
        // The restarted service, paused: one AuditedAttempts for the approvals and the changes they run, as wired.
        AuditedAttempts paused = new AuditedAttempts(platform.auditWriter, platform.operations,
                new InMemoryServerLock(Duration.ofSeconds(30)), platform.clock, TrackingDeadlines.DEFAULTS, true);
        ApprovalGate pausedGate = new ApprovalGate((team, kind) -> kind.isApprovable()
                ? Optional.of(Duration.ofMinutes(30)) : Optional.empty(), paused, platform.operations,
                platform.auditWriter, platform.clock);
        DeleteRecoveryPointService pausedDeletes = new DeleteRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), paused, platform.holds, Optional.of(pausedGate));
        RestoreRecoveryPointService pausedRestores = new RestoreRecoveryPointService(platform.provider,
                platform.provider, platform.ownership, platform.serverStates(), paused, platform.clock, Optional.empty(),
                Optional.of(pausedGate));
        ApprovalsService approvals = new ApprovalsService(platform.operations, paused, platform.auditWriter,
                platform.clock, pausedDeletes, pausedDeletes, pausedRestores, pausedRestores);
        long callsBefore = mutatingCalls();
        int eventsBefore = platform.history.all().size();

        platform.clock.advance(ApprovalsService.LEFT_TO_THE_APPROVER);
        approvals.settle();
        RecoveryOperation held = platform.operations.find(pending.id()).orElseThrow();
        platform.clock.advance(Duration.ofMinutes(2));
        approvals.settle();
        RecoveryOperation heldStill = platform.operations.find(pending.id()).orElseThrow();

        assertThat(mutatingCalls()).isEqualTo(callsBefore);
        assertThat(held.state()).isEqualTo(OperationState.APPROVED);
        assertThat(held.note()).hasValueSatisfying(note -> assertThat(note)
                .startsWith(ApprovalsService.PAUSED_HOLD_NOTE).contains(approved.deadline().toString()));
        assertThat(heldStill.state()).isEqualTo(OperationState.APPROVED);
        assertThat(heldStill.note()).isEqualTo(held.note());
        assertThat(platform.history.all()).as("no event per round").hasSize(eventsBefore);
    }

    /**
     * Held back by the pause past its run-by time, the approved run is given up, and its note and REJECTED event name
     * the pause (VPS.org never asked), not a busy server or VPS.org; the settle job's event made again from the stored
     * row is the same; the reason code stays the one the history knows (ADR 0043, amended in session 53).
     */
    /**
     * Own-merge review of session 53: held by the pause, then given up past its run-by time by a service restarted
     * without it (the server busy meanwhile): the pause no longer holds it, so the ordinary words are said, not the pause's.
     */
    @Test
    void anApprovalThePauseHeldThatAServiceWithoutThePauseGivesUpIsNotBlamedOnThePause() {
        Actor alice = Actor.of("alice", Actor.Authentication.JWT, "k1");
        Actor bob = Actor.of("bob", Actor.Authentication.JWT, "k1");
        platform.pausedAfterRestore = false;
        AuditedAttempts open = platform.attempts();
        ApprovalGate gate = new ApprovalGate((team, kind) -> kind.isApprovable() ? Optional.of(Duration.ofMinutes(30))
                : Optional.empty(), open, platform.operations, platform.auditWriter, platform.clock);
        DeleteRecoveryPointService deletes = new DeleteRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), open, platform.holds, Optional.of(gate));
        RestoreRecoveryPointService restores = new RestoreRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), open, platform.clock, Optional.empty(), Optional.of(gate));
        RecoveryOperation pending = deletes.requestDeleteSnapshot(new DeleteSnapshotCommand(
                new CallContext(BLUE, new RequestId("ask-held-then-unpaused"), OperationId.random(), alice), new SnapshotId(801)))
                .orElseThrow();
        // Approved before the restore point: the restored database holds it approved, its run not started.
        RecoveryOperation approved = pending.approve(bob, platform.clock.instant(), Optional.empty(),
                ApprovalsService.RUN_BY);
        assertThat(platform.operations.update(pending, approved)).isTrue();
        // The restarted service, paused: one AuditedAttempts for the approvals and the changes they run, as wired.
        AuditedAttempts paused = new AuditedAttempts(platform.auditWriter, platform.operations,
                new InMemoryServerLock(Duration.ofSeconds(30)), platform.clock, TrackingDeadlines.DEFAULTS, true);
        ApprovalGate pausedGate = new ApprovalGate((team, kind) -> kind.isApprovable()
                ? Optional.of(Duration.ofMinutes(30)) : Optional.empty(), paused, platform.operations,
                platform.auditWriter, platform.clock);
        DeleteRecoveryPointService pausedDeletes = new DeleteRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), paused, platform.holds, Optional.of(pausedGate));
        RestoreRecoveryPointService pausedRestores = new RestoreRecoveryPointService(platform.provider,
                platform.provider, platform.ownership, platform.serverStates(), paused, platform.clock, Optional.empty(),
                Optional.of(pausedGate));
        ApprovalsService approvals = new ApprovalsService(platform.operations, paused, platform.auditWriter,
                platform.clock, pausedDeletes, pausedDeletes, pausedRestores, pausedRestores);
        long callsBefore = mutatingCalls();
        platform.clock.advance(ApprovalsService.LEFT_TO_THE_APPROVER);
        approvals.settle();
        assertThat(platform.operations.find(pending.id()).orElseThrow().note()).hasValueSatisfying(note ->
                assertThat(note).startsWith(ApprovalsService.PAUSED_HOLD_NOTE));

        ApprovalsService unpaused = new ApprovalsService(platform.operations, open, platform.auditWriter,
                platform.clock, deletes, deletes, restores, restores);
        platform.clock.advance(ApprovalsService.RUN_BY);
        unpaused.settle();

        assertThat(platform.operations.find(pending.id()).orElseThrow().note()).hasValueSatisfying(note ->
                assertThat(note).startsWith("approved, but it could not start by").doesNotContain("pause"));
    }

    @Test
    void anApprovalThePauseHeldPastItsRunByTimeIsGivenUpNamingThePause() {
        Actor alice = Actor.of("alice", Actor.Authentication.JWT, "k1");
        Actor bob = Actor.of("bob", Actor.Authentication.JWT, "k1");
        platform.pausedAfterRestore = false;
        AuditedAttempts open = platform.attempts();
        ApprovalGate gate = new ApprovalGate((team, kind) -> kind.isApprovable() ? Optional.of(Duration.ofMinutes(30))
                : Optional.empty(), open, platform.operations, platform.auditWriter, platform.clock);
        DeleteRecoveryPointService deletes = new DeleteRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), open, platform.holds, Optional.of(gate));
        RestoreRecoveryPointService restores = new RestoreRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), open, platform.clock, Optional.empty(), Optional.of(gate));
        RecoveryOperation pending = deletes.requestDeleteSnapshot(new DeleteSnapshotCommand(
                new CallContext(BLUE, new RequestId("ask-held-long"), OperationId.random(), alice), new SnapshotId(801)))
                .orElseThrow();
        // Approved before the restore point: the restored database holds it approved, its run not started.
        RecoveryOperation approved = pending.approve(bob, platform.clock.instant(), Optional.empty(),
                ApprovalsService.RUN_BY);
        assertThat(platform.operations.update(pending, approved)).isTrue();
        // The restarted service, paused: one AuditedAttempts for the approvals and the changes they run, as wired.
        AuditedAttempts paused = new AuditedAttempts(platform.auditWriter, platform.operations,
                new InMemoryServerLock(Duration.ofSeconds(30)), platform.clock, TrackingDeadlines.DEFAULTS, true);
        ApprovalGate pausedGate = new ApprovalGate((team, kind) -> kind.isApprovable()
                ? Optional.of(Duration.ofMinutes(30)) : Optional.empty(), paused, platform.operations,
                platform.auditWriter, platform.clock);
        DeleteRecoveryPointService pausedDeletes = new DeleteRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), paused, platform.holds, Optional.of(pausedGate));
        RestoreRecoveryPointService pausedRestores = new RestoreRecoveryPointService(platform.provider,
                platform.provider, platform.ownership, platform.serverStates(), paused, platform.clock, Optional.empty(),
                Optional.of(pausedGate));
        ApprovalsService approvals = new ApprovalsService(platform.operations, paused, platform.auditWriter,
                platform.clock, pausedDeletes, pausedDeletes, pausedRestores, pausedRestores);
        long callsBefore = mutatingCalls();
        platform.clock.advance(ApprovalsService.LEFT_TO_THE_APPROVER);
        approvals.settle();
        assertThat(platform.operations.find(pending.id()).orElseThrow().note()).hasValueSatisfying(note ->
                assertThat(note).startsWith(ApprovalsService.PAUSED_HOLD_NOTE));

        platform.clock.advance(ApprovalsService.RUN_BY);
        approvals.settle();

        RecoveryOperation givenUp = platform.operations.find(pending.id()).orElseThrow();
        assertThat(mutatingCalls()).isEqualTo(callsBefore);
        assertThat(givenUp.state()).isEqualTo(OperationState.REJECTED);
        assertThat(givenUp.note()).hasValueSatisfying(note -> assertThat(note).contains("pause")
                .contains(approved.deadline().toString()).doesNotContain("VPS.org unavailable"));
        List<AuditEvent> rejected = platform.history.all().stream()
                .filter(e -> e.outcome().kind() == Outcome.Kind.REJECTED).toList();
        assertThat(rejected).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.PLATFORM_UNAVAILABLE));
            assertThat(event.detail().get(AuditEvent.MESSAGE)).isEqualTo(givenUp.note().orElseThrow());
        });
    }
}
