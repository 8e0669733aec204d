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
}
