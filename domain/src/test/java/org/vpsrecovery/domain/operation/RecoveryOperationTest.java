package org.vpsrecovery.domain.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

class RecoveryOperationTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final ResourceRef MADE = ResourceRef.of(new SnapshotId(802));

    private final RecoveryOperation accepted = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"),
            new RequestId("r1"), Operation.CREATE_SNAPSHOT, new ServerId(12345), Optional.empty(), T0,
            Duration.ofMinutes(30));

    @Test
    void aCreateGoesFromAcceptedThroughInProgressToCompleted() {
        RecoveryOperation taken = accepted.taken(Optional.of(MADE), T0.plusSeconds(1), "in_progress");
        RecoveryOperation done = taken.completed(T0.plusSeconds(200), "completed at VPS.org");

        assertThat(taken.state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(taken.resource()).contains(MADE);
        assertThat(done.state()).isEqualTo(OperationState.COMPLETED);
        assertThat(done.isFinal()).isTrue();
        assertThat(done.version()).isEqualTo(2);
        assertThat(done.note()).contains("completed at VPS.org");
    }

    /**
     * Session 50: a restore's window started when the platform began to ask; an answer that took minutes shortened the
     * hold on a server VPS.org was restoring. It starts when the answer came; a create's deadline stays where it was.
     */
    @Test
    void aRestoresWindowStartsWhenVpsOrgsAnswerCame() {
        Duration window = Duration.ofMinutes(20);
        RecoveryOperation restore = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"), new RequestId("r3"),
                Operation.RESTORE_SNAPSHOT, new ServerId(12345), Optional.of(MADE), T0, window);
        Instant answered = T0.plus(Duration.ofMinutes(3));

        RecoveryOperation taken = restore.taken(Optional.empty(), answered, "VPS.org took it");

        assertThat(taken.deadline()).isEqualTo(answered.plus(window));
        assertThat(taken.state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(taken.acceptedAt()).isEqualTo(T0);
        assertThat(accepted.taken(Optional.of(MADE), answered, "in_progress").deadline()).isEqualTo(accepted.deadline());
    }

    /** One mapping of an end to its audit outcome, for the tracker and the reconciler alike. */
    @Test
    void eachEndStandsForOneAuditOutcomeAndReason() {
        RecoveryOperation taken = accepted.taken(Optional.of(MADE), T0.plusSeconds(1), "in_progress");
        RecoveryOperation lost = accepted.answerLost(T0.plusSeconds(1), "timeout");
        RecoveryOperation restore = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"), new RequestId("r2"),
                Operation.RESTORE_SNAPSHOT, new ServerId(12345), Optional.of(MADE), T0, Duration.ofMinutes(15));
        Instant late = T0.plus(Duration.ofHours(1));

        assertThat(taken.completed(late, "done").end("snapshot 802 is completed"))
                .isEqualTo(new Outcome.Completed());
        assertThat(taken.failedAtProvider(late, "failed").end("VPS.org reports snapshot 802 as failed"))
                .isEqualTo(new Outcome.Failed(ReasonCode.RECOVERY_POINT_FAILED, "VPS.org reports snapshot 802 as failed"));
        assertThat(lost.notFound(late, "not there").end("nothing made").reasonCode()).contains(ReasonCode.NOT_DONE_AT_PROVIDER);
        assertThat(taken.vanished(late, "gone").end("gone").reasonCode()).contains(ReasonCode.RECOVERY_POINT_VANISHED);
        assertThat(taken.timedOut(late, "stuck").end("no end")).isEqualTo(
                new Outcome.Unverifiable(ReasonCode.TRACKING_DEADLINE_PASSED, "no end"));
        assertThat(restore.timedOut(late, "unverifiable").end("no status read").reasonCode())
                .contains(ReasonCode.OUTCOME_UNKNOWN);
        assertThat(restore.releasedEarly(T0.plusSeconds(60), "released").end("released").reasonCode())
                .contains(ReasonCode.RESTORE_HOLD_RELEASED);
        assertThat(taken.completed(late, "done").end().kind()).isEqualTo(Outcome.Kind.COMPLETED);
        assertThat(lost.notFound(late, "not there").end().kind()).isEqualTo(Outcome.Kind.FAILED);
        assertThatThrownBy(taken::end).isInstanceOf(IllegalOperationTransition.class);
    }

    /** The inverse of {@link RecoveryOperation#end(String)}: an end already on record closes the operation as it says. */
    @Test
    void anEndAlreadyOnRecordClosesTheOperationAsRecorded() {
        RecoveryOperation taken = accepted.taken(Optional.of(MADE), T0.plusSeconds(1), "in_progress");
        RecoveryOperation lost = accepted.answerLost(T0.plusSeconds(1), "timeout");
        RecoveryOperation restore = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"), new RequestId("r2"),
                Operation.RESTORE_SNAPSHOT, new ServerId(12345), Optional.of(MADE), T0, Duration.ofMinutes(15));
        Instant late = T0.plus(Duration.ofHours(1));
        List<RecoveryOperation> ends = List.of(taken.completed(late, "done"), taken.failedAtProvider(late, "failed"),
                lost.notFound(late, "not there"), taken.vanished(late, "gone"), taken.timedOut(late, "stuck"),
                restore.timedOut(late, "unverifiable"), restore.releasedEarly(T0.plusSeconds(60), "released"));

        for (RecoveryOperation ended : ends) {
            RecoveryOperation open = ended.kind().isRestore() ? restore : ended.resource().isPresent() ? taken : lost;
            RecoveryOperation closed = open.endedAs(ended.end("as recorded"), late, "closed as its audit event records");
            assertThat(closed.state()).as("%s", ended.state()).isEqualTo(ended.state());
            assertThat(closed.end("as recorded")).isEqualTo(ended.end("as recorded"));
            assertThat(closed.version()).isEqualTo(open.version() + 1);
        }
        assertThatThrownBy(() -> taken.endedAs(new Outcome.Submitted(), late, "not an end"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> taken.completed(late, "done").endedAs(new Outcome.Completed(), late, "twice"))
                .isInstanceOf(IllegalOperationTransition.class);
    }

    @Test
    void aLostAnswerIsSettledByLooking() {
        RecoveryOperation lost = accepted.answerLost(T0.plusSeconds(1), "read timeout");
        assertThat(lost.found(Optional.of(MADE), T0.plusSeconds(60), "found").state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(lost.notFound(T0.plusSeconds(60), "not at VPS.org").state()).isEqualTo(OperationState.FAILED);
    }

    @Test
    void everyIllegalTransitionIsRefused() {
        RecoveryOperation taken = accepted.taken(Optional.of(MADE), T0.plusSeconds(1), null);
        RecoveryOperation done = taken.completed(T0.plusSeconds(2), null);
        List<Function<RecoveryOperation, RecoveryOperation>> fromInProgressOnly = List.of(
                o -> o.completed(T0.plusSeconds(3), null), o -> o.vanished(T0.plusSeconds(3), null),
                o -> o.failedAtProvider(T0.plusSeconds(3), null));
        for (var transition : fromInProgressOnly) {
            assertThatThrownBy(() -> transition.apply(accepted)).isInstanceOf(IllegalOperationTransition.class);
            assertThatThrownBy(() -> transition.apply(done)).isInstanceOf(IllegalOperationTransition.class);
        }
        assertThatThrownBy(() -> taken.taken(Optional.empty(), T0, null)).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> taken.answerLost(T0, null)).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> taken.notFound(T0, null)).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> done.timedOut(T0.plus(Duration.ofHours(1)), null))
                .isInstanceOf(IllegalOperationTransition.class)
                .hasMessageContaining("from completed");
        assertThatThrownBy(() -> done.unchanged(T0, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalOperationTransition.class);
    }

    @Test
    void itTimesOutOnlyOnceDue() {
        RecoveryOperation taken = accepted.taken(Optional.of(MADE), T0.plusSeconds(1), null);
        assertThatThrownBy(() -> taken.timedOut(T0.plusSeconds(60), null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(taken.timedOut(T0.plus(Duration.ofMinutes(30)), "still in_progress").state())
                .isEqualTo(OperationState.TIMED_OUT);
    }

    @Test
    void looksBackOffUpToTheLongestWaitAndNeverPastTheDeadline() {
        RecoveryOperation once = accepted.unchanged(T0, Duration.ofSeconds(5), Duration.ofMinutes(1));
        RecoveryOperation twice = once.unchanged(T0.plusSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(1));
        assertThat(once.nextCheckAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(twice.nextCheckAt()).isEqualTo(T0.plusSeconds(15));
        RecoveryOperation many = accepted;
        for (int i = 0; i < 30; i++) {
            many = many.unchanged(T0.plus(Duration.ofMinutes(29)), Duration.ofSeconds(5), Duration.ofMinutes(5));
        }
        assertThat(many.nextCheckAt()).isEqualTo(accepted.deadline());
        assertThat(many.state()).isEqualTo(OperationState.ACCEPTED);
    }

    /**
     * Whether VPS.org was asked before a restore's release is a field of the operation, set by {@code releasedEarly} only
     * from {@code awaiting_safety_snapshot} and carried by every later copy (ADR 0029, amended in session 41).
     */
    @Test
    void onlyARestoreReleasedWhileItAwaitedItsSafetySnapshotWasReleasedBeforeVpsOrgWasAsked() {
        RecoveryOperation waiting = RecoveryOperation.awaitingSafetySnapshot(OperationId.random(), new TeamId("blue"),
                new RequestId("r-waiting"), Operation.RESTORE_SNAPSHOT, new ServerId(12345), MADE, Optional.empty(), T0,
                Duration.ofMinutes(45));
        RecoveryOperation asking = waiting.unchanged(T0.plusSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(1))
                .safetySnapshotTaken(T0.plusSeconds(60), Duration.ofMinutes(15), "asking VPS.org");
        RecoveryOperation taken = asking.taken(Optional.empty(), T0.plusSeconds(61), "VPS.org took it");
        RecoveryOperation lost = asking.answerLost(T0.plusSeconds(61), "no answer");
        RecoveryOperation waitingAgain = asking.restoreNotTakenNow(T0.plusSeconds(61), waiting.deadline(), "rate limited");
        Instant release = T0.plusSeconds(120);

        RecoveryOperation releasedWaiting = waiting.releasedEarly(release, "hold released early by team blue");
        assertThat(releasedWaiting.releasedBeforeVpsOrgWasAsked()).isTrue();
        assertThat(releasedWaiting.note()).hasValueSatisfying(note -> assertThat(note).contains("hold released early"));
        assertThat(waitingAgain.releasedEarly(release, null).releasedBeforeVpsOrgWasAsked()).isTrue();
        for (RecoveryOperation wasAsked : List.of(asking, taken, lost)) {
            assertThat(wasAsked.releasedEarly(release, "released").releasedBeforeVpsOrgWasAsked())
                    .as("released %s", wasAsked.state()).isFalse();
        }
        for (RecoveryOperation notReleased : List.of(waiting, asking, taken, lost, waitingAgain,
                waiting.safetySnapshotFailed(release, "the safety snapshot failed"))) {
            assertThat(notReleased.releasedBeforeVpsOrgWasAsked()).as("%s", notReleased.state()).isFalse();
        }
        // Only a released restore may say so.
        assertThatThrownBy(() -> new RecoveryOperation(taken.id(), taken.team(), taken.requestId(), taken.kind(),
                taken.server(), taken.resource(), taken.resourceServer(), taken.state(), taken.acceptedAt(),
                taken.updatedAt(), taken.deadline(), taken.note(), taken.nextCheckAt(), taken.checks(), taken.version(),
                taken.approval(), true, Optional.empty(), PauseHold.NONE, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A restore released after VPS.org was asked, whose note happens to begin with the words a release while waiting
     * writes: still not "released before VPS.org was asked". The session-40 build read it from those words, and called
     * it so (its reconciler then wrote FAILED "never asked" for a restore VPS.org may have run).
     */
    @Test
    void aNoteThatOnlyBeginsWithTheWaitingReleasesWordsDoesNotMakeAReleaseBeforeVpsOrgWasAsked() {
        RecoveryOperation restore = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"),
                new RequestId("r-asked"), Operation.RESTORE_SNAPSHOT, new ServerId(12345), Optional.of(MADE), T0,
                Duration.ofMinutes(15));
        RecoveryOperation taken = restore.taken(Optional.empty(), T0.plusSeconds(1), "VPS.org took it");

        RecoveryOperation released = taken.releasedEarly(T0.plusSeconds(60),
                RecoveryOperation.RELEASED_BEFORE_VPSORG_WAS_ASKED + ", as the ticket said");

        assertThat(released.note()).hasValueSatisfying(note ->
                assertThat(note).startsWith(RecoveryOperation.RELEASED_BEFORE_VPSORG_WAS_ASKED));
        assertThat(released.releasedBeforeVpsOrgWasAsked()).isFalse();
    }
}
