package org.vpsrecovery.domain.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.operation.IllegalOperationTransition;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.server.ServerId;

class PendingChangeLifecycleTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
    private static final Actor ALICE = Actor.of("alice", Actor.Authentication.JWT, "k1");
    private static final Actor BOB = Actor.of("bob", Actor.Authentication.JWT, "k1");
    private static final Actor SCRIPT = Actor.of("blue/ci", Actor.Authentication.SERVICE_TOKEN, "ci");
    private static final Actor CAROL = Actor.of("carol", Actor.Authentication.JWT, "k1");
    private static final Duration CLAIM = Duration.ofMinutes(2);
    private static final PolicySpec SPEC = new PolicySpec(PolicyServers.everyOwned(), PolicyKind.SNAPSHOT,
            new PolicySchedule("0 3 * * *", ZoneId.of("UTC")), new NameTemplate("nightly-{server_id}-{date}"),
            RetentionRules.keepAll());

    private static PendingChange release(Actor by) {
        return PendingChange.holdRelease(OperationId.random(), new TeamId("blue"), RequestId.random(),
                new HoldId(UUID.randomUUID()), new ResourceRef(ResourceRef.Type.SNAPSHOT, 801), new ServerId(12345),
                Approval.requested(by, AT, AT.plus(Duration.ofHours(1)), false));
    }

    private static PendingChange update(Actor by) {
        return PendingChange.policyUpdate(OperationId.random(), new TeamId("blue"), RequestId.random(), PolicyId.random(),
                4, SPEC, Approval.requested(by, AT, AT.plus(Duration.ofHours(1)), false));
    }

    @Test
    void approvedThenAppliedEndsCompletedAndKeepsWhoDecided() {
        PendingChange pending = update(ALICE);
        assertThat(pending.state()).isEqualTo(OperationState.PENDING_APPROVAL);
        assertThat(pending.nextCheckAt()).isEqualTo(AT.plus(Duration.ofHours(1)));

        PendingChange approved = pending.approve(BOB, AT.plusSeconds(30), Optional.of("looks right"), CLAIM);
        assertThat(approved.state()).isEqualTo(OperationState.APPROVED);
        assertThat(approved.nextCheckAt()).isEqualTo(AT.plusSeconds(30).plus(CLAIM));
        assertThat(approved.approval().decision().orElseThrow().by()).isEqualTo(BOB);
        assertThat(approved.version()).isEqualTo(1);

        PendingChange done = approved.applied(AT.plusSeconds(31), "policy at version 5");
        assertThat(done.state()).isEqualTo(OperationState.COMPLETED);
        assertThat(done.isFinal()).isTrue();
        assertThat(done.document()).contains(SPEC);
        assertThat(done.policyVersion()).isEqualTo(OptionalLong.of(4));
    }

    @Test
    void aSecondPersonDecidesNeverTheRequesterNorAServiceToken() {
        PendingChange pending = release(ALICE);
        assertThatThrownBy(() -> pending.approve(ALICE, AT.plusSeconds(1), Optional.empty(), CLAIM))
                .isInstanceOfSatisfying(AccessDenied.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.SELF_APPROVAL_REFUSED));
        assertThatThrownBy(() -> pending.deny(SCRIPT, AT.plusSeconds(1), Optional.empty()))
                .isInstanceOfSatisfying(AccessDenied.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.APPROVER_NOT_A_PERSON));

        PendingChange denied = pending.deny(BOB, AT.plusSeconds(2), Optional.of("keep it held"));
        assertThat(denied.state()).isEqualTo(OperationState.DENIED);
        assertThatThrownBy(() -> denied.approve(BOB, AT.plusSeconds(3), Optional.empty(), CLAIM))
                .isInstanceOfSatisfying(RecoveryDenied.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.APPROVAL_ALREADY_DECIDED));
    }

    @Test
    void onlyAPersonAsksAndExpiryIsFinal() {
        // A service token's holder could approve their own request with their JWT (ADR 0040).
        assertThatThrownBy(() -> release(SCRIPT)).isInstanceOfSatisfying(org.vpsrecovery.domain.common.AccessDenied.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.APPROVAL_NEEDS_A_PERSON));
        PendingChange pending = release(CAROL);
        assertThatThrownBy(() -> pending.expire(AT.plusSeconds(60))).isInstanceOf(IllegalOperationTransition.class);

        PendingChange expired = pending.expire(AT.plus(Duration.ofHours(1)));
        assertThat(expired.state()).isEqualTo(OperationState.EXPIRED);
        assertThat(expired.hold()).isEqualTo(pending.hold());
        assertThatThrownBy(() -> expired.approve(BOB, AT.plus(Duration.ofHours(2)), Optional.empty(), CLAIM))
                .isInstanceOfSatisfying(RecoveryDenied.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.APPROVAL_EXPIRED));
        assertThatThrownBy(() -> pending.approve(BOB, AT.plus(Duration.ofHours(1)), Optional.empty(), CLAIM))
                .isInstanceOfSatisfying(RecoveryDenied.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.APPROVAL_EXPIRED));
    }

    @Test
    void onlyAnApprovedChangeIsClaimedAppliedOrRejected() {
        PendingChange pending = update(ALICE);
        assertThatThrownBy(() -> pending.applied(AT, "x")).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> pending.rejected(AT, "x")).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> pending.claimedToApply(AT, CLAIM)).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> pending.stalled(AT, Duration.ofHours(1), "x")).isInstanceOf(IllegalOperationTransition.class);

        PendingChange approved = pending.approve(BOB, AT.plusSeconds(5), Optional.empty(), CLAIM);
        PendingChange claimed = approved.claimedToApply(AT.plusSeconds(200), CLAIM);
        assertThat(claimed.state()).isEqualTo(OperationState.APPROVED);
        assertThat(claimed.nextCheckAt()).isEqualTo(AT.plusSeconds(200).plus(CLAIM));
        assertThat(claimed.version()).isEqualTo(approved.version() + 1);

        PendingChange stalled = claimed.stalled(AT.plusSeconds(200), Duration.ofHours(1), "its tries meet a bug");
        assertThat(stalled.state()).isEqualTo(OperationState.APPROVED);
        assertThat(stalled.note()).contains("its tries meet a bug");
        assertThat(stalled.nextCheckAt()).isEqualTo(AT.plusSeconds(200).plus(Duration.ofHours(1)));
        assertThat(stalled.version()).isEqualTo(claimed.version() + 1);
        assertThat(stalled.approval()).isEqualTo(claimed.approval());

        PendingChange rejected = claimed.rejected(AT.plusSeconds(201), "POLICY_VERSION_CONFLICT: policy moved to 5");
        assertThat(rejected.state()).isEqualTo(OperationState.REJECTED);
        assertThat(rejected.note()).contains("POLICY_VERSION_CONFLICT: policy moved to 5");
    }

    @Test
    void eachKindCarriesWhatItWillDoAndNothingElse() {
        Approval asked = Approval.requested(ALICE, AT, AT.plusSeconds(60), false);
        PendingChange create = PendingChange.policyCreate(OperationId.random(), new TeamId("blue"), RequestId.random(),
                PolicyId.random(), SPEC, asked);
        assertThat(create.kind()).isEqualTo(Operation.CREATE_POLICY);
        assertThat(create.policyVersion()).isEmpty();
        PendingChange delete = PendingChange.policyDelete(OperationId.random(), new TeamId("blue"), RequestId.random(),
                PolicyId.random(), 2, asked);
        assertThat(delete.document()).isEmpty();

        assertThatThrownBy(() -> new PendingChange(create.id(), create.team(), create.requestId(), Operation.DELETE_SNAPSHOT,
                create.hold(), create.point(), create.server(), create.policy(), create.policyVersion(), create.document(),
                create.state(), create.updatedAt(), create.nextCheckAt(), create.note(), 0, asked))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PendingChange(create.id(), create.team(), create.requestId(), Operation.UPDATE_POLICY,
                create.hold(), create.point(), create.server(), create.policy(), create.policyVersion(), create.document(),
                create.state(), create.updatedAt(), create.nextCheckAt(), create.note(), 0, asked))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PendingChange(create.id(), create.team(), create.requestId(), create.kind(),
                create.hold(), create.point(), create.server(), create.policy(), create.policyVersion(), create.document(),
                OperationState.IN_PROGRESS, create.updatedAt(), create.nextCheckAt(), create.note(), 0, asked))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
