package org.vpsrecovery.application.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.plan.Plan;
import org.vpsrecovery.application.plan.PlanDestructiveWorkService;
import org.vpsrecovery.application.restore.RestoreAnswer;
import org.vpsrecovery.application.restore.SafetySnapshotSettings;
import org.vpsrecovery.application.restore.SafetySnapshots;
import org.vpsrecovery.application.snapshot.RestoreSnapshotCommand;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.testing.DailyRunCalendar;
import org.vpsrecovery.domain.testing.InMemoryRecoveryPolicies;

/**
 * Issue 14 item 6's rotation (ADR 0036): a restore's safety snapshot at the server's limit makes room by
 * the runs' rules, through the audited delete under the restore's lock; the plan names what would go.
 */
class PolicySafetySnapshotRotationTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final InMemoryRecoveryPolicies store = new InMemoryRecoveryPolicies();
    private final ManagePoliciesService policies = new ManagePoliciesService(store, platform.ownership,
            new DailyRunCalendar(), platform.auditWriter, platform.clock);
    private final SafetySnapshots safety = platform.safetySnapshots(SafetySnapshotSettings.always(true),
            new PolicySafetySnapshotRotation(store, platform.ownership, platform.provider, platform.provider,
                    platform.operations, platform.holds, platform.deleteSnapshot(), platform.clock));
    private final Snapshot byHand = platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);

    /** 801 by hand and four nightly snapshots 919-922: the server is at its limit of five. */
    PolicySafetySnapshotRotationTest() {
        for (int day = 19; day <= 22; day++) {
            platform.provider.addSnapshot(new Snapshot(new SnapshotId(900 + day), platform.web, "nightly-12345-202611" + day,
                    CreationStatus.COMPLETED, OptionalLong.of(10), Instant.parse("2026-11-%02dT02:00:00Z".formatted(day)), ""));
        }
    }

    private RecoveryPolicy nightly(int keepLast) {
        return policies.create(platform.as(BLUE), new PolicySpec(PolicyServers.of(List.of(WEB)), PolicyKind.SNAPSHOT,
                new PolicySchedule("0 3 * * *", ZoneId.of("UTC")), new NameTemplate("nightly-{server_id}-{date}"),
                new RetentionRules(keepLast, Duration.ZERO, 0, 0, 0, 0, false)));
    }

    private RestoreAnswer<?> restore(CallContext context, SnapshotId source) {
        return platform.restoreSnapshot(safety).requestRestore(new RestoreSnapshotCommand(context, source, false));
    }

    private List<AuditEvent> deletes() {
        return platform.history.all().stream().filter(e -> e.operation() == Operation.DELETE_SNAPSHOT).toList();
    }

    @Test
    void atTheLimitTheOldestSnapshotAPolicysRetentionLetsGoIsDeletedFirstAndThePlanSaysSo() {
        RecoveryPolicy policy = nightly(2);
        PlanDestructiveWorkService plans = new PlanDestructiveWorkService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), platform.holds, platform.attempts(), platform.auditWriter,
                platform.clock, Optional.of(safety));

        Plan plan = plans.planRestoreSnapshot(platform.as(BLUE), byHand.id(), false);

        assertThat(plan.allowed()).isTrue();
        assertThat(plan.effects()).containsExactly(new Plan.Effect.Delete(ResourceRef.of(new SnapshotId(919)), WEB),
                new Plan.Effect.Overwrite(WEB, ResourceRef.of(byHand.id()), WEB));
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(5);

        CallContext context = platform.as(BLUE);
        RestoreAnswer<?> answer = restore(context, byHand.id());

        assertThat(answer).isInstanceOf(RestoreAnswer.AwaitingSafetySnapshot.class);
        assertThat(platform.provider.snapshot(new SnapshotId(919))).isEmpty();
        assertThat(platform.provider.snapshot(new SnapshotId(920))).isPresent();
        assertThat(platform.provider.listSnapshots(Optional.of(WEB))).extracting(Snapshot::name)
                .contains(SafetySnapshots.nameFor(context.operationId()).value()).hasSize(5);
        assertThat(deletes()).extracting(AuditEvent::outcome)
                .hasExactlyElementsOfTypes(Outcome.Accepted.class, Outcome.Submitted.class);
        assertThat(deletes()).allSatisfy(e -> assertThat(e.requestId().value())
                .isEqualTo("policy-rotation:" + policy.id() + ":snapshot:919"));
    }

    @Test
    void theSnapshotTheRestoreReadsIsNeverTheOneRotatedAway() {
        nightly(2);

        restore(platform.as(BLUE), new SnapshotId(919));

        assertThat(platform.provider.snapshot(new SnapshotId(919))).isPresent();
        assertThat(platform.provider.snapshot(new SnapshotId(920))).isEmpty();
    }

    @Test
    void whenNoPolicysRetentionLetsOneGoTheRestoreIsRefusedAndNothingIsDeleted() {
        nightly(4);
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> restore(context, byHand.id())).isInstanceOf(RecoveryDenied.class)
                .satisfies(e -> assertThat(((RecoveryException) e).reason()).isEqualTo(ReasonCode.SAFETY_SNAPSHOT_LIMIT_REACHED));
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(5);
        assertThat(deletes()).isEmpty();
        assertThat(platform.providerCallsStartingWith("create")).isZero();
    }

    /**
     * The rotation's delete is its own attempt: when its answer is lost, its record is UNRESOLVED and its operation left
     * open for the tracker, and the restore, neither stored nor sent, is "not now" (its retry reads the room again),
     * recorded REJECTED PLATFORM_UNAVAILABLE naming the delete and no safety snapshot. Before (session 48's review), the
     * delete's OUTCOME_UNKNOWN was thrown as the restore's own: its event FAILED OUTCOME_UNKNOWN, "safety_snapshot:
     * pending" with a snapshot operation that never exists, and over HTTP a 504 naming the delete (ADR 0029, amended).
     */
    @Test
    void aRotationDeleteWhoseAnswerWasLostLeavesTheRestoreUnsentAndNotNowNeverTheRestoresUnknownOutcome() {
        nightly(2);
        CallContext context = platform.as(BLUE);
        platform.provider.loseNextMutationAnswer();

        Throwable thrown = catchThrowable(() -> restore(context, byHand.id()));

        assertThat(deletes()).extracting(AuditEvent::outcome)
                .hasExactlyElementsOfTypes(Outcome.Accepted.class, Outcome.Unresolved.class);
        OperationId delete = OperationId.parse(deletes().getFirst().detail().get(AuditEvent.ATTEMPT_ID));
        assertThat(platform.operations.find(delete)).get().satisfies(o -> assertThat(o.state().isFinal()).isFalse());
        assertThat(thrown).isInstanceOfSatisfying(PlatformUnavailable.class, notNow -> {
            assertThat(notNow.attemptEndedBeforeTheProvider()).isTrue();
            assertThat(notNow.getMessage()).contains("snapshot 919", delete.toString(), "the restore was not stored");
        });
        assertThat(platform.operations.find(context.operationId())).isEmpty();
        assertThat(platform.eventsOf(context)).singleElement().satisfies(event -> {
            assertThat(event.operation()).isEqualTo(Operation.RESTORE_SNAPSHOT);
            assertThat(event.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.PLATFORM_UNAVAILABLE));
            assertThat(event.detail().get(AuditEvent.MESSAGE)).contains(delete.toString());
            assertThat(event.detail()).doesNotContainKeys(AuditEvent.SAFETY_SNAPSHOT, AuditEvent.SAFETY_SNAPSHOT_OPERATION_ID);
        });
        assertThat(platform.providerCallsStartingWith("create")).isZero();
        assertThat(platform.providerCallsStartingWith("restore")).isZero();

        // The retry reads the room again: the delete did happen, so there is room, and none other goes.
        RestoreAnswer<?> retried = restore(platform.as(BLUE), byHand.id());

        assertThat(retried).isInstanceOf(RestoreAnswer.AwaitingSafetySnapshot.class);
        assertThat(deletes()).hasSize(2);
        assertThat(platform.providerCallsStartingWith("create")).isOne();
    }

    /**
     * VPS.org refuses the rotation's delete for good (HTTP 423, snapshot 919 locked there): the restore is refused
     * ROTATION_NOT_POSSIBLE naming the snapshot and VPS.org's words, recorded REJECTED before its intent, and no other
     * snapshot is deleted instead; asked again, the same (the delete is asked again, and refused again). Before
     * (session 48), "not now" (PlatformUnavailable, a 503) at every retry, the rotation choosing 919 each time (ADR 0029,
     * amended in session 49).
     */
    @Test
    void aRotationDeleteVpsOrgRefusesForGoodRefusesTheRestoreRotationNotPossibleNamingItAndRotatesNoOther() {
        nightly(2);
        platform.provider.refuseDeletesOf(ResourceRef.of(new SnapshotId(919)), new ProviderFailure(
                ProviderFailure.Kind.REJECTED, "VPS.org refused to delete snapshot 919 (unexpected HTTP 423): Snapshot is "
                + "locked", OptionalInt.of(423), Optional.empty(), null));
        CallContext context = platform.as(BLUE);

        Throwable thrown = catchThrowable(() -> restore(context, byHand.id()));
        Throwable again = catchThrowable(() -> restore(platform.as(BLUE), byHand.id()));

        for (Throwable refused : List.of(thrown, again)) {
            assertThat(refused).isInstanceOfSatisfying(RecoveryDenied.class, denied -> {
                assertThat(denied.reason()).isEqualTo(ReasonCode.ROTATION_NOT_POSSIBLE);
                assertThat(denied.getMessage()).contains("snapshot 919", "Snapshot is locked", "the restore was not stored",
                        "skip_safety_snapshot=true");
            });
        }
        assertThat(platform.eventsOf(context)).singleElement().satisfies(event -> {
            assertThat(event.operation()).isEqualTo(Operation.RESTORE_SNAPSHOT);
            assertThat(event.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.ROTATION_NOT_POSSIBLE));
            assertThat(event.detail()).doesNotContainKeys(AuditEvent.SAFETY_SNAPSHOT, AuditEvent.SAFETY_SNAPSHOT_OPERATION_ID);
        });
        assertThat(platform.operations.find(context.operationId())).isEmpty();
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(5);
        assertThat(deletes()).extracting(AuditEvent::outcome).hasExactlyElementsOfTypes(Outcome.Accepted.class,
                Outcome.Failed.class, Outcome.Accepted.class, Outcome.Failed.class);
        assertThat(deletes()).allSatisfy(e -> assertThat(e.resource()).contains(ResourceRef.of(new SnapshotId(919))));
        assertThat(platform.providerCallsStartingWith("create")).isZero();
        assertThat(platform.providerCallsStartingWith("restore")).isZero();
    }

    /** The rotation's delete names the policy and the version whose retention let the snapshot go (session 49). */
    @Test
    void theRotationsDeleteNamesThePolicysVersion() {
        RecoveryPolicy first = nightly(3);
        RecoveryPolicy second = policies.update(platform.as(BLUE), first.id(), OptionalLong.of(1), new PolicySpec(
                first.spec().servers(), PolicyKind.SNAPSHOT, first.spec().schedule(), first.spec().nameTemplate(),
                new RetentionRules(2, Duration.ZERO, 0, 0, 0, 0, false)));

        restore(platform.as(BLUE), byHand.id());

        assertThat(second.version()).isEqualTo(2);
        assertThat(deletes()).isNotEmpty().allSatisfy(e -> assertThat(e.detail())
                .containsEntry(AuditEvent.POLICY_ID, first.id().toString())
                .containsEntry(AuditEvent.POLICY_VERSION, "2"));
    }

    /**
     * A server already over its team's limit (here 3, with 5 snapshots: the limit lowered, the server moved, snapshots
     * made at VPS.org): one rotation makes no room. Before (session 48's review), the rotation deleted snapshot 919 all
     * the same, the safety snapshot's create was then refused and the restore failed SAFETY_SNAPSHOT_FAILED: a snapshot
     * lost for nothing. Now the restore is refused at once and nothing is deleted (ADR 0029, amended).
     */
    @Test
    void overTheLimitByMoreThanOneTheRestoreIsRefusedAndNothingIsRotated() {
        nightly(1);
        org.vpsrecovery.domain.port.TeamLimits three = team -> new org.vpsrecovery.domain.limits.RecoveryLimits(3, 10);
        SafetySnapshots overLimit = new SafetySnapshots(SafetySnapshotSettings.always(true),
                new PolicySafetySnapshotRotation(store, platform.ownership, platform.provider, platform.provider,
                        platform.operations, platform.holds, platform.deleteSnapshot(), platform.clock),
                (context, restore, server, name, description) -> new org.vpsrecovery.application.snapshot.CreateSnapshotService(
                        platform.provider, platform.ownership, three, platform.serverStates(), platform.attempts()).createSnapshot(
                        new org.vpsrecovery.application.snapshot.CreateSnapshotCommand(context, server, name,
                                Optional.of(description), Optional.of(restore))),
                platform.provider, three, platform.operations, platform.auditWriter,
                org.vpsrecovery.application.attempt.TrackingDeadlines.DEFAULTS, platform.clock);

        SafetySnapshots.Room room = overLimit.room(BLUE, WEB, ResourceRef.of(byHand.id()));
        Throwable thrown = catchThrowable(() -> platform.restoreSnapshot(overLimit)
                .requestRestore(new RestoreSnapshotCommand(platform.as(BLUE), byHand.id(), false)));

        assertThat(room.decision()).isInstanceOfSatisfying(org.vpsrecovery.domain.common.Decision.Denied.class,
                denied -> assertThat(denied.reason()).isEqualTo(ReasonCode.SAFETY_SNAPSHOT_LIMIT_REACHED));
        assertThat(room.rotated()).isEmpty();
        assertThat(thrown).isInstanceOfSatisfying(RecoveryDenied.class,
                denied -> assertThat(denied.reason()).isEqualTo(ReasonCode.SAFETY_SNAPSHOT_LIMIT_REACHED));
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(5);
        assertThat(deletes()).isEmpty();
        assertThat(platform.providerCallsStartingWith("create")).isZero();
    }
}
