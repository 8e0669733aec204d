package org.vpsrecovery.domain.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.IllegalOperationTransition;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.PauseHold;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.server.RestoreHold;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.testing.RefusalReason;

class ApprovalLifecycleTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Actor ALICE = Actor.of("alice", Actor.Authentication.JWT, "k1");
    private static final Actor BOB = Actor.of("bob", Actor.Authentication.JWT, "k1");
    private static final Actor SERVICE = Actor.of("blue/default", Actor.Authentication.SERVICE_TOKEN, "default");
    private static final Actor AUDITOR = Actor.of("ann", Actor.Authentication.AUDITOR_TOKEN, null);
    private static final Duration RUN_BY = Duration.ofMinutes(10);

    private static RecoveryOperation pendingDelete(Actor requester) {
        return RecoveryOperation.pendingApproval(OperationId.random(), new TeamId("blue"), new RequestId("r-1"),
                Operation.DELETE_SNAPSHOT, new ServerId(12345), ResourceRef.of(new SnapshotId(801)), Optional.empty(),
                Approval.requested(requester, T0, T0.plus(Duration.ofHours(1)), false));
    }

    /** A reason with a lone surrogate would be stored as {@code ?}: not the reason the decider was answered with. */
    @Test
    void aReasonWithALoneSurrogateIsNotReadable() {
        assertThat(ApprovalDecision.isReadable("ticket \ud800")).isFalse();
        assertThat(ApprovalDecision.isReadable("\udfff ticket")).isFalse();
        assertThat(ApprovalDecision.isReadable("ticket \ud83d\ude42")).isTrue();
    }

    /**
     * Only a pending operation can be decided, and neither a pending nor an approved one ends as a recorded outcome or
     * backs off its next look: VPS.org was never asked, and a finished operation must not go back to APPROVED.
     */
    @Test
    void onlyAPendingOperationIsDecidedAndNeitherPendingNorApprovedEndsAsARecordedOutcome() {
        RecoveryOperation pending = pendingDelete(ALICE);
        assertThatThrownBy(() -> pending.endedAs(new org.vpsrecovery.domain.audit.Outcome.Completed(), T0.plusSeconds(5),
                "closed as recorded")).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> pending.unchanged(T0.plusSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalOperationTransition.class);
        RecoveryOperation approved = pending.approve(BOB, T0.plusSeconds(60), Optional.empty(), RUN_BY);
        assertThatThrownBy(() -> approved.endedAs(new org.vpsrecovery.domain.audit.Outcome.Completed(), T0.plusSeconds(65),
                "closed as recorded")).isInstanceOf(IllegalOperationTransition.class);
        assertThat(approved.unchanged(T0.plusSeconds(65), Duration.ofSeconds(5), Duration.ofMinutes(1)).state())
                .isEqualTo(OperationState.APPROVED); // a run kept from starting is tried again later

        // An operation read back ended while its approval was never decided: deciding it now is refused.
        RecoveryOperation endedUndecided = new RecoveryOperation(pending.id(), pending.team(), pending.requestId(),
                pending.kind(), pending.server(), pending.resource(), pending.resourceServer(), OperationState.COMPLETED,
                pending.acceptedAt(), T0.plusSeconds(5), pending.deadline(), Optional.of("completed"),
                pending.nextCheckAt(), 0, pending.version() + 1, pending.approval(), false, Optional.empty(),
                PauseHold.NONE, Optional.empty());
        assertThat(RefusalReason.of(() -> endedUndecided.approve(BOB, T0.plusSeconds(60), Optional.empty(), RUN_BY)))
                .isEqualTo(ReasonCode.APPROVAL_ALREADY_DECIDED);
        assertThat(RefusalReason.of(() -> endedUndecided.deny(BOB, T0.plusSeconds(60), Optional.empty())))
                .isEqualTo(ReasonCode.APPROVAL_ALREADY_DECIDED);
    }

    @Test
    void aPendingOperationWaitsUntilItsTimeLimitHoldingNothing() {
        RecoveryOperation pending = pendingDelete(ALICE);

        assertThat(pending.state()).isEqualTo(OperationState.PENDING_APPROVAL);
        assertThat(pending.isFinal()).isFalse();
        assertThat(pending.deadline()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(pending.approval().orElseThrow().requester()).isEqualTo(ALICE);
        assertThat(pending.hold(T0.plusSeconds(1))).isEmpty();
    }

    @Test
    void aSecondPersonApprovesAndTheRunCarriesTheApproval() {
        RecoveryOperation approved = pendingDelete(ALICE).approve(BOB, T0.plusSeconds(60), Optional.of("ticket 42"), RUN_BY);

        assertThat(approved.state()).isEqualTo(OperationState.APPROVED);
        assertThat(approved.isFinal()).isFalse();
        assertThat(approved.deadline()).isEqualTo(T0.plusSeconds(60).plus(RUN_BY));
        ApprovalDecision decision = approved.approval().orElseThrow().decision().orElseThrow();
        assertThat(decision.verdict()).isEqualTo(Verdict.APPROVE);
        assertThat(decision.by()).isEqualTo(BOB);
        assertThat(decision.reason()).contains("ticket 42");

        RecoveryOperation run = approved.run(RecoveryOperation.accepted(approved.id(), approved.team(),
                approved.requestId(), Operation.DELETE_SNAPSHOT, approved.server(), approved.resource(),
                T0.plusSeconds(61), Duration.ofMinutes(10)));
        assertThat(run.state()).isEqualTo(OperationState.ACCEPTED);
        assertThat(run.version()).isEqualTo(approved.version() + 1);
        assertThat(run.approval()).isEqualTo(approved.approval());
    }

    @Test
    void theRequesterAServiceTokenAndAnAuditorAreRefusedAsDeciders() {
        RecoveryOperation pending = pendingDelete(ALICE);

        assertThatThrownBy(() -> pending.approve(ALICE, T0.plusSeconds(1), Optional.empty(), RUN_BY))
                .isInstanceOf(AccessDenied.class);
        assertThat(RefusalReason.of(() -> pending.approve(ALICE, T0.plusSeconds(1), Optional.empty(), RUN_BY)))
                .isEqualTo(ReasonCode.SELF_APPROVAL_REFUSED);
        assertThat(RefusalReason.of(() -> pending.deny(ALICE, T0.plusSeconds(1), Optional.empty())))
                .isEqualTo(ReasonCode.SELF_APPROVAL_REFUSED);
        assertThat(RefusalReason.of(() -> pending.approve(SERVICE, T0.plusSeconds(1), Optional.empty(), RUN_BY)))
                .isEqualTo(ReasonCode.APPROVER_NOT_A_PERSON);
        assertThat(RefusalReason.of(() -> pending.approve(AUDITOR, T0.plusSeconds(1), Optional.empty(), RUN_BY)))
                .isEqualTo(ReasonCode.APPROVER_NOT_A_PERSON);
        assertThat(RefusalReason.of(() -> pending.approve(Actor.SYSTEM, T0.plusSeconds(1), Optional.empty(), RUN_BY)))
                .isEqualTo(ReasonCode.APPROVER_NOT_A_PERSON);
        // Only a person asks: with a service token its holder could approve it with their own JWT.
        assertThat(RefusalReason.of(() -> pendingDelete(SERVICE))).isEqualTo(ReasonCode.APPROVAL_NEEDS_A_PERSON);
        assertThat(RefusalReason.of(() -> pendingDelete(AUDITOR))).isEqualTo(ReasonCode.APPROVAL_NEEDS_A_PERSON);
        assertThatThrownBy(() -> Approval.requirePersonAsking(SERVICE)).isInstanceOf(AccessDenied.class);
        Approval.requirePersonAsking(BOB);
        // One asked with a service token before that rule (a stored row) is still decided by a person.
        RecoveryOperation older = RecoveryOperation.pendingApproval(OperationId.random(), new TeamId("blue"),
                new RequestId("r-2"), Operation.DELETE_SNAPSHOT, new ServerId(12345), ResourceRef.of(new SnapshotId(801)),
                Optional.empty(), new Approval(SERVICE, T0, T0.plus(Duration.ofHours(1)), false, Optional.empty()));
        assertThat(older.approve(BOB, T0.plusSeconds(1), Optional.empty(), RUN_BY).state())
                .isEqualTo(OperationState.APPROVED);
    }

    @Test
    void aDecisionIsMadeOnceAndNotAfterTheTimeLimit() {
        RecoveryOperation pending = pendingDelete(ALICE);
        RecoveryOperation denied = pending.deny(BOB, T0.plusSeconds(5), Optional.of("wrong server"));
        Actor carol = Actor.of("carol", Actor.Authentication.JWT, null);

        assertThat(denied.state()).isEqualTo(OperationState.DENIED);
        assertThat(denied.isFinal()).isTrue();
        assertThat(denied.approval().orElseThrow().decision().orElseThrow().verdict()).isEqualTo(Verdict.DENY);
        assertThatThrownBy(() -> denied.approve(carol, T0.plusSeconds(6), Optional.empty(), RUN_BY))
                .isInstanceOf(RecoveryDenied.class);
        assertThat(RefusalReason.of(() -> denied.approve(carol, T0.plusSeconds(6), Optional.empty(), RUN_BY)))
                .isEqualTo(ReasonCode.APPROVAL_ALREADY_DECIDED);
        RecoveryOperation approved = pending.approve(BOB, T0.plusSeconds(5), Optional.empty(), RUN_BY);
        assertThat(RefusalReason.of(() -> approved.deny(carol, T0.plusSeconds(6), Optional.empty())))
                .isEqualTo(ReasonCode.APPROVAL_ALREADY_DECIDED);

        Instant late = T0.plus(Duration.ofHours(1));
        assertThat(RefusalReason.of(() -> pending.approve(BOB, late, Optional.empty(), RUN_BY))).isEqualTo(ReasonCode.APPROVAL_EXPIRED);
        RecoveryOperation expired = pending.expire(late);
        assertThat(expired.state()).isEqualTo(OperationState.EXPIRED);
        assertThat(expired.isFinal()).isTrue();
        assertThat(RefusalReason.of(() -> expired.approve(BOB, late, Optional.empty(), RUN_BY))).isEqualTo(ReasonCode.APPROVAL_EXPIRED);
    }

    @Test
    void illegalTransitionsAreRefused() {
        RecoveryOperation pending = pendingDelete(ALICE);
        RecoveryOperation approved = pending.approve(BOB, T0.plusSeconds(5), Optional.empty(), RUN_BY);

        assertThatThrownBy(() -> pending.expire(T0.plusSeconds(10))).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> approved.expire(T0.plus(Duration.ofHours(2)))).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> pending.run(RecoveryOperation.accepted(pending.id(), pending.team(), pending.requestId(),
                Operation.DELETE_SNAPSHOT, pending.server(), pending.resource(), T0, Duration.ofMinutes(10))))
                .isInstanceOf(IllegalOperationTransition.class);
        // The run is the same operation: another id or kind is refused.
        assertThatThrownBy(() -> approved.run(RecoveryOperation.accepted(OperationId.random(), pending.team(),
                pending.requestId(), Operation.DELETE_SNAPSHOT, pending.server(), pending.resource(), T0,
                Duration.ofMinutes(10)))).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> pending.rejectedOnRun(T0, "no")).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> pending.taken(Optional.empty(), T0, "no")).isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> approved.timedOut(T0.plus(Duration.ofHours(2)), "no"))
                .isInstanceOf(IllegalOperationTransition.class);
        assertThatThrownBy(() -> pending.end()).isInstanceOf(IllegalOperationTransition.class);
        RecoveryOperation rejected = approved.rejectedOnRun(T0.plusSeconds(6), "SNAPSHOT_LIMIT_REACHED: 5 of 5");
        assertThat(rejected.state()).isEqualTo(OperationState.REJECTED);
        assertThat(rejected.isFinal()).isTrue();
        // Creates never wait for approval; the platform's own work is never held.
        assertThatThrownBy(() -> RecoveryOperation.pendingApproval(OperationId.random(), new TeamId("blue"),
                new RequestId("r"), Operation.CREATE_SNAPSHOT, new ServerId(1), ResourceRef.of(new SnapshotId(1)),
                Optional.empty(), Approval.requested(ALICE, T0, T0.plusSeconds(60), false)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Approval.requested(Actor.SYSTEM, T0, T0.plusSeconds(60), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pending.approve(BOB, T0.plusSeconds(1), Optional.of("bad\u0007"), RUN_BY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * An approved restore holds its server from when it ran, not from when it was asked: the approval came an hour
     * later, and the hold's {@code since} (the server's {@code x_vpsr_restore.since}) is the run's instant, through its
     * safety snapshot and VPS.org's taking it. The run instant is the run's alone (ADR 0040, amended in session 43).
     */
    @Test
    void anApprovedRestoreHoldsItsServerFromItsRunNotFromItsAsk() {
        Duration window = Duration.ofMinutes(15);
        RecoveryOperation pending = RecoveryOperation.pendingApproval(OperationId.random(), new TeamId("blue"),
                new RequestId("r-2"), Operation.RESTORE_SNAPSHOT, new ServerId(12345), ResourceRef.of(new SnapshotId(801)),
                Optional.empty(), Approval.requested(ALICE, T0, T0.plus(Duration.ofHours(2)), false));
        Instant approvedAt = T0.plus(Duration.ofHours(1));
        RecoveryOperation approved = pending.approve(BOB, approvedAt, Optional.empty(), RUN_BY);
        Instant ranAt = approvedAt.plusSeconds(3);

        RecoveryOperation run = approved.run(RecoveryOperation.accepted(approved.id(), approved.team(),
                approved.requestId(), Operation.RESTORE_SNAPSHOT, approved.server(), approved.resource(), ranAt, window));

        assertThat(run.acceptedAt()).isEqualTo(T0); // still the ask: the operations' order and answer
        assertThat(run.approvedRunAt()).contains(ranAt);
        assertThat(run.startedAt()).isEqualTo(ranAt);
        RestoreHold hold = run.hold(ranAt.plusSeconds(1)).orElseThrow();
        assertThat(hold.since()).isEqualTo(ranAt);
        assertThat(hold.until()).isEqualTo(ranAt.plus(window));
        RecoveryOperation taken = run.taken(Optional.empty(), ranAt.plusSeconds(2), "VPS.org took the restore");
        assertThat(taken.hold(ranAt.plusSeconds(3)).orElseThrow().since()).isEqualTo(ranAt);
        assertThat(taken.unchanged(ranAt.plusSeconds(4), Duration.ofSeconds(5), Duration.ofMinutes(1)).startedAt())
                .isEqualTo(ranAt);

        // Through its safety snapshot (ADR 0029): held from the run while it waits, and after.
        RecoveryOperation waiting = approved.run(RecoveryOperation.awaitingSafetySnapshot(approved.id(), approved.team(),
                approved.requestId(), Operation.RESTORE_SNAPSHOT, approved.server(), approved.resource().orElseThrow(),
                Optional.empty(), ranAt, Duration.ofMinutes(30)));
        assertThat(waiting.hold(ranAt.plusSeconds(1)).orElseThrow().since()).isEqualTo(ranAt);
        RecoveryOperation asking = waiting.safetySnapshotTaken(ranAt.plusSeconds(60), window, "snapshot taken");
        assertThat(asking.hold(ranAt.plusSeconds(61)).orElseThrow().since()).isEqualTo(ranAt);
        assertThat(asking.restoreNotTakenNow(ranAt.plusSeconds(62), waiting.deadline(), "rate limited").startedAt())
                .isEqualTo(ranAt);

        // A restore that needed no approval began when it was accepted, as before.
        RecoveryOperation direct = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"), new RequestId("r-3"),
                Operation.RESTORE_SNAPSHOT, new ServerId(23456), Optional.of(ResourceRef.of(new SnapshotId(802))), T0, window);
        assertThat(direct.approvedRunAt()).isEmpty();
        assertThat(direct.hold(T0.plusSeconds(1)).orElseThrow().since()).isEqualTo(T0);

        // It runs once; nothing before its run, nor a refusal on its run, carries a run instant.
        assertThatThrownBy(() -> run.run(run)).isInstanceOf(IllegalOperationTransition.class);
        assertThat(pending.approvedRunAt()).isEmpty();
        assertThat(approved.approvedRunAt()).isEmpty();
        assertThat(approved.claimedToRun(approvedAt, Duration.ofMinutes(2)).approvedRunAt()).isEmpty();
        assertThat(approved.rejectedOnRun(ranAt, "refused when it came to run").approvedRunAt()).isEmpty();
        assertThat(pending.deny(BOB, approvedAt, Optional.empty()).approvedRunAt()).isEmpty();
        for (RecoveryOperation neverRan : List.of(pending, approved, approved.rejectedOnRun(ranAt, "refused"),
                pending.deny(BOB, approvedAt, Optional.empty()), direct)) {
            assertThatThrownBy(() -> withRunInstant(neverRan, neverRan.updatedAt()))
                    .as("%s %s", neverRan.state(), neverRan.approval().isPresent()).isInstanceOf(IllegalArgumentException.class);
        }
        // A run instant lies between the ask and the operation's last move.
        assertThatThrownBy(() -> withRunInstant(taken, T0.minusSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> withRunInstant(taken, taken.updatedAt().plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(withRunInstant(taken, ranAt)).isEqualTo(taken);
    }

    private static RecoveryOperation withRunInstant(RecoveryOperation o, Instant ranAt) {
        return new RecoveryOperation(o.id(), o.team(), o.requestId(), o.kind(), o.server(), o.resource(),
                o.resourceServer(), o.state(), o.acceptedAt(), o.updatedAt(), o.deadline(), o.note(), o.nextCheckAt(),
                o.checks(), o.version(), o.approval(), o.releasedBeforeVpsOrgWasAsked(), Optional.of(ranAt),
                o.pauseHold(), o.refusedOnRunFor());
    }
}
