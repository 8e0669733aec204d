package org.vpsrecovery.application.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.GREEN;
import static org.vpsrecovery.application.PlatformFixture.GREEN_SERVER;
import static org.vpsrecovery.application.PlatformFixture.SPARE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.hold.HoldCaller;
import org.vpsrecovery.application.hold.PlaceHoldCommand;
import org.vpsrecovery.application.snapshot.RestoreSnapshotCommand;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** Dry runs with the in-memory fakes: every policy's verdict, the effects, one PLANNED event, nothing done. */
class PlanDestructiveWorkServiceTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final PlanDestructiveWorkService plans = platform.plans();

    PlanDestructiveWorkServiceTest() {
        platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        platform.provider.addSnapshot(802, platform.web, CreationStatus.IN_PROGRESS);
        platform.provider.addBackup(499, platform.web, BackupType.MANUAL, CreationStatus.COMPLETED, Optional.empty());
    }

    private long mutatingCalls() {
        return platform.provider.calls().stream().filter(c -> !c.startsWith("list")).count();
    }

    @Test
    void anAllowedDeleteIsPlannedWithEveryVerdictAndItsEffectAndNothingIsDeleted() {
        CallContext context = platform.as(BLUE);
        Plan plan = plans.planDeleteSnapshot(context, new SnapshotId(801));

        assertThat(plan.allowed()).isTrue();
        assertThat(plan.verdicts()).extracting(Plan.Verdict::policy)
                .containsExactly("SnapshotDeletionPolicy", "RecoveryPointHeldPolicy");
        assertThat(plan.effects()).containsExactly(new Plan.Effect.Delete(new ResourceRef(ResourceRef.Type.SNAPSHOT, 801), WEB));
        assertThat(platform.provider.snapshot(new SnapshotId(801))).isPresent();
        assertThat(mutatingCalls()).isZero();
        assertThat(platform.eventsOf(context)).singleElement().satisfies(e -> {
            assertThat(e.operation()).isEqualTo(Operation.DELETE_SNAPSHOT);
            assertThat(e.outcome()).isEqualTo(new Outcome.Planned());
            assertThat(e.detail()).containsEntry(AuditEvent.PLAN_ALLOWED, "true").containsEntry(AuditEvent.DRY_RUN, "true");
        });
    }

    @Test
    void aRefusedDeleteShowsEveryRefusingPolicyHoldsIncluded() {
        platform.recoveryPointHolds().placeHold(new PlaceHoldCommand(new HoldCaller(new HoldActor.Team(BLUE),
                new RequestId("hold"), OperationId.random()), new ResourceRef(ResourceRef.Type.SNAPSHOT, 802), new HoldReason("keep")));
        CallContext context = platform.as(BLUE);
        Plan plan = plans.planDeleteSnapshot(context, new SnapshotId(802));

        assertThat(plan.allowed()).isFalse();
        assertThat(plan.verdicts()).extracting(v -> ((Decision.Denied) v.decision()).reason())
                .containsExactly(ReasonCode.SNAPSHOT_IN_PROGRESS, ReasonCode.RECOVERY_POINT_HELD);
        assertThat(platform.eventsOf(context)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(new Outcome.Planned());
            assertThat(e.detail()).containsEntry(AuditEvent.PLAN_ALLOWED, "false")
                    .containsEntry(AuditEvent.PLAN_REFUSED_BY, "SnapshotDeletionPolicy SNAPSHOT_IN_PROGRESS");
        });
    }

    @Test
    void aRestorePlanShowsTheOverwriteAndTheRestoreHoldsRefusal() {
        assertThat(plans.planRestoreSnapshot(platform.as(BLUE), new SnapshotId(801)).effects())
                .containsExactly(new Plan.Effect.Overwrite(WEB, new ResourceRef(ResourceRef.Type.SNAPSHOT, 801), WEB));
        platform.restoreSnapshot().restoreSnapshot(new RestoreSnapshotCommand(platform.as(BLUE), new SnapshotId(801)));

        Plan second = plans.planRestoreSnapshot(platform.as(BLUE), new SnapshotId(801));
        assertThat(second.allowed()).isFalse();
        assertThat(second.verdicts()).singleElement().satisfies(v -> assertThat(v.decision())
                .isInstanceOfSatisfying(Decision.Denied.class, d -> assertThat(d.reason()).isEqualTo(ReasonCode.SERVER_NOT_RESTORABLE)));
        Plan delete = plans.planDeleteBackup(platform.as(BLUE), new BackupId(499));
        assertThat(delete.verdicts().getFirst().decision()).isInstanceOfSatisfying(Decision.Denied.class,
                d -> assertThat(d.reason()).isEqualTo(ReasonCode.SERVER_RESTORING));
    }

    @Test
    void aBackupRestoringAnotherServerIsPlannedWithBothServers() {
        Plan plan = plans.planRestoreServerFromBackup(platform.as(BLUE), SPARE, new BackupId(499));
        assertThat(plan.allowed()).isTrue();
        assertThat(plan.server()).isEqualTo(SPARE);
        assertThat(plan.pointServer()).isEqualTo(WEB);
        assertThat(plan.effects()).containsExactly(new Plan.Effect.Overwrite(SPARE, new ResourceRef(ResourceRef.Type.BACKUP, 499), WEB));
        assertThat(mutatingCalls()).isZero();
    }

    @Test
    void whatTheCallerMayNotSeeIsNotFoundAsForTheRealCall() {
        CallContext green = platform.as(GREEN);
        assertThatThrownBy(() -> plans.planDeleteSnapshot(green, new SnapshotId(801))).isInstanceOf(ResourceNotFound.class);
        assertThat(platform.eventsOf(green)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.SNAPSHOT_NOT_FOUND));
            assertThat(e.detail()).containsEntry(AuditEvent.DRY_RUN, "true");
        });
        assertThatThrownBy(() -> plans.planRestoreServerFromBackup(platform.as(BLUE), GREEN_SERVER, new BackupId(499)))
                .isInstanceOfSatisfying(ResourceNotFound.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.SERVER_NOT_FOUND));
    }
}
