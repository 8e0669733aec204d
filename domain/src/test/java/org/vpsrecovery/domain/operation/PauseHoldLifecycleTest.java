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
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** The pause's hold on an approved run is a field moved by its transitions, never read from the note (ADR 0043, session 55). */
class PauseHoldLifecycleTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Actor ALICE = Actor.of("alice", Actor.Authentication.JWT, "k1");
    private static final Actor BOB = Actor.of("bob", Actor.Authentication.JWT, "k1");
    private static final Duration FIRST = Duration.ofSeconds(5);
    private static final Duration LONGEST = Duration.ofMinutes(1);

    private static RecoveryOperation approved() {
        return RecoveryOperation.pendingApproval(OperationId.random(), new TeamId("blue"), new RequestId("r-1"),
                Operation.DELETE_SNAPSHOT, new ServerId(12345), ResourceRef.of(new SnapshotId(801)), Optional.empty(),
                Approval.requested(ALICE, T0, T0.plus(Duration.ofHours(1)), false))
                .approve(BOB, T0.plusSeconds(10), Optional.empty(), Duration.ofMinutes(10));
    }

    @Test
    void anApprovedRunIsHeldBackOnceThenNoLongerHeldWithItsNoteMadeFromTheHold() {
        RecoveryOperation approved = approved();
        assertThat(approved.pauseHold()).isEqualTo(PauseHold.NONE);

        RecoveryOperation held = approved.heldBackByThePause(T0.plusSeconds(80), FIRST, LONGEST);
        assertThat(held.pauseHold()).isEqualTo(PauseHold.HELD_BACK);
        assertThat(held.state()).isEqualTo(OperationState.APPROVED);
        assertThat(held.version()).isEqualTo(approved.version() + 1);
        assertThat(held.note()).hasValueSatisfying(note -> assertThat(note)
                .startsWith(PauseHold.HELD_BACK.noteStart()).contains(approved.deadline().toString()));
        assertThatThrownBy(() -> held.heldBackByThePause(T0.plusSeconds(90), FIRST, LONGEST))
                .isInstanceOf(IllegalOperationTransition.class);
        assertThat(held.claimedToRun(T0.plusSeconds(90), Duration.ofMinutes(2)).pauseHold()).isEqualTo(PauseHold.HELD_BACK);
        assertThat(held.unchanged(T0.plusSeconds(90), FIRST, LONGEST).pauseHold()).isEqualTo(PauseHold.HELD_BACK);

        RecoveryOperation noLonger = held.noLongerHeldBack(T0.plusSeconds(100), FIRST, LONGEST);
        assertThat(noLonger.pauseHold()).isEqualTo(PauseHold.NO_LONGER_HELD);
        assertThat(noLonger.note()).hasValueSatisfying(note -> assertThat(note)
                .startsWith(PauseHold.NO_LONGER_HELD.noteStart()).contains("approved by bob"));
        assertThatThrownBy(() -> noLonger.heldBackByThePause(T0.plusSeconds(110), FIRST, LONGEST))
                .isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> noLonger.noLongerHeldBack(T0.plusSeconds(110), FIRST, LONGEST))
                .isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> noLonger.givenUpWhileHeldBack(T0.plusSeconds(110), "gave up"))
                .isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> approved.noLongerHeldBack(T0.plusSeconds(110), FIRST, LONGEST))
                .as("never held").isInstanceOf(IllegalOperationTransition.class);
    }

    @Test
    void onlyARunStillHeldBackIsGivenUpWhileHeldAndAnyOtherEndLeavesNoHold() {
        RecoveryOperation held = approved().heldBackByThePause(T0.plusSeconds(80), FIRST, LONGEST);

        RecoveryOperation givenUp = held.givenUpWhileHeldBack(T0.plusSeconds(700), "gave up while held");
        assertThat(givenUp.state()).isEqualTo(OperationState.REJECTED);
        assertThat(givenUp.pauseHold()).isEqualTo(PauseHold.GIVEN_UP_WHILE_HELD);
        assertThat(givenUp.note()).contains("gave up while held");
        assertThatThrownBy(() -> approved().givenUpWhileHeldBack(T0.plusSeconds(700), "x"))
                .isInstanceOf(IllegalOperationTransition.class);

        assertThat(held.rejectedOnRun(T0.plusSeconds(700), "refused").pauseHold()).isEqualTo(PauseHold.NONE);
        RecoveryOperation ran = held.run(RecoveryOperation.accepted(held.id(), held.team(), held.requestId(), held.kind(),
                held.server(), held.resource(), T0.plusSeconds(90), Duration.ofMinutes(5)));
        assertThat(ran.pauseHold()).isEqualTo(PauseHold.NONE);
    }

    @Test
    void aHoldIsOnlyInItsStateAndANoteAloneIsNoHold() {
        RecoveryOperation approved = approved();
        assertThatThrownBy(() -> withHold(approved, PauseHold.GIVEN_UP_WHILE_HELD))
                .isInstanceOf(IllegalArgumentException.class);
        RecoveryOperation rejected = approved.rejectedOnRun(T0.plusSeconds(700), "refused");
        assertThatThrownBy(() -> withHold(rejected, PauseHold.HELD_BACK)).isInstanceOf(IllegalArgumentException.class);

        // The pause's words written into the note of an operation without the hold: still no hold, and no move of one.
        RecoveryOperation wordsOnly = approved.unchanged(T0.plusSeconds(80), FIRST, LONGEST);
        RecoveryOperation withWords = new RecoveryOperation(wordsOnly.id(), wordsOnly.team(), wordsOnly.requestId(),
                wordsOnly.kind(), wordsOnly.server(), wordsOnly.resource(), wordsOnly.resourceServer(), wordsOnly.state(),
                wordsOnly.acceptedAt(), wordsOnly.updatedAt(), wordsOnly.deadline(),
                Optional.of(PauseHold.HELD_BACK.noteStart() + "edited"), wordsOnly.nextCheckAt(), wordsOnly.checks(),
                wordsOnly.version(), wordsOnly.approval(), false, Optional.empty(), PauseHold.NONE, Optional.empty());
        assertThatThrownBy(() -> withWords.noLongerHeldBack(T0.plusSeconds(90), FIRST, LONGEST))
                .isInstanceOf(IllegalOperationTransition.class);
    }

    @Test
    void aHoldIsStoredByItsWireName() {
        assertThat(PauseHold.fromWireName("held_back")).contains(PauseHold.HELD_BACK);
        assertThat(PauseHold.fromWireName("HELD_BACK")).isEmpty();
    }

    private static RecoveryOperation withHold(RecoveryOperation o, PauseHold hold) {
        return new RecoveryOperation(o.id(), o.team(), o.requestId(), o.kind(), o.server(), o.resource(),
                o.resourceServer(), o.state(), o.acceptedAt(), o.updatedAt(), o.deadline(), o.note(), o.nextCheckAt(),
                o.checks(), o.version(), o.approval(), o.releasedBeforeVpsOrgWasAsked(), o.approvedRunAt(), hold, o.refusedOnRunFor());
    }
}
