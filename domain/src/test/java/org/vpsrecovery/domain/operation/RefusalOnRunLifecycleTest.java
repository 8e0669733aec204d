package org.vpsrecovery.domain.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * The reason an approved run was refused when it came to run is a field set by that move alone, never read from the note
 * (ADR 0040, amended in session 56).
 */
class RefusalOnRunLifecycleTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Actor ALICE = Actor.of("alice", Actor.Authentication.JWT, "k1");
    private static final Actor BOB = Actor.of("bob", Actor.Authentication.JWT, "k1");

    private static RecoveryOperation pending() {
        return RecoveryOperation.pendingApproval(OperationId.random(), new TeamId("blue"), new RequestId("r-1"),
                Operation.DELETE_SNAPSHOT, new ServerId(12345), ResourceRef.of(new SnapshotId(801)), Optional.empty(),
                Approval.requested(ALICE, T0, T0.plus(Duration.ofHours(1)), false));
    }

    private static RecoveryOperation approved() {
        return pending().approve(BOB, T0.plusSeconds(10), Optional.empty(), Duration.ofMinutes(10));
    }

    @Test
    void aRunRefusedWhenItCameToRunKeepsItsReasonAndTheWordsTheReleaseBeforeReadsItFrom() {
        RecoveryOperation approved = approved();
        assertThat(approved.refusedOnRunFor()).isEmpty();

        RecoveryOperation refused = approved.rejectedOnRun(T0.plusSeconds(20), ReasonCode.RECOVERY_POINT_HELD,
                "the snapshot has a hold");

        assertThat(refused.state()).isEqualTo(OperationState.REJECTED);
        assertThat(refused.refusedOnRunFor()).contains(ReasonCode.RECOVERY_POINT_HELD);
        assertThat(refused.pauseHold()).isEqualTo(PauseHold.NONE);
        assertThat(refused.version()).isEqualTo(approved.version() + 1);
        assertThat(refused.updatedAt()).isEqualTo(T0.plusSeconds(20));
        // Word for word what the release before wrote and reads back in the rolling window (two releases, ADR 0038).
        assertThat(refused.note()).contains("refused when it came to run: RECOVERY_POINT_HELD: the snapshot has a hold");
    }

    @Test
    void aRunGivenUpOrHeldUntilGivenUpHasNoRefusalReason() {
        RecoveryOperation approved = approved();
        // Words that merely look like a refusal's are no refusal.
        assertThat(approved.rejectedOnRun(T0.plusSeconds(700), RecoveryOperation.REFUSED_ON_RUN_NOTE_START
                + "SNAPSHOT_NOT_COMPLETED: quoted").refusedOnRunFor()).isEmpty();
        RecoveryOperation held = approved.heldBackByThePause(T0.plusSeconds(80), Duration.ofSeconds(5),
                Duration.ofMinutes(1));
        assertThat(held.givenUpWhileHeldBack(T0.plusSeconds(700), "gave up while held").refusedOnRunFor()).isEmpty();
    }

    @Test
    void onlyAnApprovedRunIsRefusedWhenItCameToRunAndTheReasonIsOnlyOnSuchAnEnd() {
        assertThatThrownBy(() -> pending().rejectedOnRun(T0.plusSeconds(20), ReasonCode.RECOVERY_POINT_HELD, "x"))
                .isInstanceOf(IllegalOperationTransition.class);
        RecoveryOperation refused = approved().rejectedOnRun(T0.plusSeconds(20), ReasonCode.RECOVERY_POINT_HELD, "x");
        assertThatThrownBy(() -> refused.rejectedOnRun(T0.plusSeconds(30), ReasonCode.SNAPSHOT_NOT_COMPLETED, "y"))
                .isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> approved().rejectedOnRun(T0.plusSeconds(20), null, "x"))
                .isInstanceOf(NullPointerException.class);

        // Set by no other way: the constructor refuses it on any operation but a rejected one without a pause hold.
        assertThatThrownBy(() -> withRefusal(approved(), PauseHold.NONE, ReasonCode.RECOVERY_POINT_HELD))
                .isInstanceOf(IllegalArgumentException.class);
        RecoveryOperation givenUp = approved().rejectedOnRun(T0.plusSeconds(700), "could not start");
        assertThat(withRefusal(givenUp, PauseHold.NONE, ReasonCode.RECOVERY_POINT_HELD).refusedOnRunFor())
                .contains(ReasonCode.RECOVERY_POINT_HELD);
        assertThatThrownBy(() -> withRefusal(givenUp, PauseHold.GIVEN_UP_WHILE_HELD, ReasonCode.RECOVERY_POINT_HELD))
                .isInstanceOf(IllegalArgumentException.class);
        RecoveryOperation accepted = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"),
                new RequestId("r-2"), Operation.DELETE_SNAPSHOT, new ServerId(12345),
                Optional.of(ResourceRef.of(new SnapshotId(801))), T0, Duration.ofMinutes(5));
        assertThatThrownBy(() -> withRefusal(accepted, PauseHold.NONE, ReasonCode.RECOVERY_POINT_HELD))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static RecoveryOperation withRefusal(RecoveryOperation o, PauseHold hold, ReasonCode reason) {
        return new RecoveryOperation(o.id(), o.team(), o.requestId(), o.kind(), o.server(), o.resource(),
                o.resourceServer(), o.state(), o.acceptedAt(), o.updatedAt(), o.deadline(), o.note(), o.nextCheckAt(),
                o.checks(), o.version(), o.approval(), o.releasedBeforeVpsOrgWasAsked(), o.approvedRunAt(), hold,
                Optional.of(reason));
    }
}
