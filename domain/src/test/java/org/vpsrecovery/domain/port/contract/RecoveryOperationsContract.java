package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.PauseHold;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryOperations.OwedApprovalEvents;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** What every {@link RecoveryOperations} does; run against the in-memory fake and PostgreSQL. */
public abstract class RecoveryOperationsContract {

    protected static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final TeamId BLUE = new TeamId("blue");
    private static final TeamId GREEN = new TeamId("green");
    private static final ServerId WEB = new ServerId(12345);
    private static final ServerId DB = new ServerId(23456);

    protected abstract RecoveryOperations emptyOperations();

    private static RecoveryOperation create(TeamId team, ServerId server, Instant at) {
        return RecoveryOperation.accepted(OperationId.random(), team, new RequestId("req-" + at.getEpochSecond()),
                Operation.CREATE_SNAPSHOT, server, Optional.empty(), at, Duration.ofMinutes(30));
    }

    @Test
    void storesAndFindsAnOperationAsItWas() {
        RecoveryOperations operations = emptyOperations();
        RecoveryOperation accepted = create(BLUE, WEB, T0);

        operations.add(accepted);

        assertThat(operations.find(accepted.id())).contains(accepted);
        assertThat(operations.find(OperationId.random())).isEmpty();
        assertThatThrownBy(() -> operations.add(accepted)).isInstanceOf(RuntimeException.class);
    }

    /** What the stuck-tracker gauges read: the open operations, due or not, and the oldest's acceptance (session 51). */
    @Test
    void theOpenOperationsAreCountedWithTheOldestsAcceptanceAndTheEndedOnesAreNot() {
        RecoveryOperations operations = emptyOperations();
        assertThat(operations.open()).isEqualTo(RecoveryOperations.Open.NONE);
        RecoveryOperation oldest = create(BLUE, WEB, T0);
        RecoveryOperation taken = create(GREEN, DB, T0.plusSeconds(60));
        RecoveryOperation ended = create(BLUE, DB, T0.minusSeconds(600));
        operations.add(oldest);
        operations.add(taken);
        operations.add(ended);
        assertThat(operations.update(taken, taken.taken(Optional.of(ResourceRef.of(new SnapshotId(804))),
                T0.plusSeconds(61), "took"))).isTrue();
        assertThat(operations.update(ended, ended.refused(T0.minusSeconds(500), "refused"))).isTrue();

        assertThat(operations.open()).isEqualTo(new RecoveryOperations.Open(2, Optional.of(T0)));

        RecoveryOperation stored = operations.find(oldest.id()).orElseThrow();
        assertThat(operations.update(stored, stored.refused(T0.plusSeconds(120), "refused"))).isTrue();
        assertThat(operations.open()).isEqualTo(new RecoveryOperations.Open(1, Optional.of(T0.plusSeconds(60))));
    }

    @Test
    void severalAreFoundAtOnceEachAsFindAnswersAndTheUnknownOnesLeftOut() {
        RecoveryOperations operations = emptyOperations();
        RecoveryOperation first = create(BLUE, WEB, T0);
        RecoveryOperation second = create(GREEN, DB, T0.plusSeconds(1));
        operations.add(first);
        operations.add(second);
        RecoveryOperation taken = first.taken(Optional.of(ResourceRef.of(new SnapshotId(803))), T0.plusSeconds(2), "took");
        assertThat(operations.update(first, taken)).isTrue();
        OperationId unknown = OperationId.random();

        assertThat(operations.findAll(List.of(first.id(), unknown, second.id())))
                .containsOnly(java.util.Map.entry(first.id(), taken), java.util.Map.entry(second.id(), second));
        assertThat(operations.findAll(List.of())).isEmpty();
    }

    @Test
    void anUnflushedAddStoresAsAnAddAndRefusesAnIdAlreadyStored() {
        RecoveryOperations operations = emptyOperations();
        RecoveryOperation create = create(BLUE, WEB, T0);
        RecoveryOperation restore = RecoveryOperation.accepted(OperationId.random(), GREEN, new RequestId("req-unflushed"),
                Operation.RESTORE_SERVER_FROM_BACKUP, DB, Optional.of(ResourceRef.of(new BackupId(501))), Optional.of(WEB),
                T0.plusSeconds(1), Duration.ofMinutes(15));

        operations.addUnflushed(create);
        operations.addUnflushed(restore);

        assertThat(operations.find(create.id())).contains(create);
        assertThat(operations.find(restore.id())).contains(restore);
        assertThatThrownBy(() -> operations.addUnflushed(create)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> operations.add(restore)).isInstanceOf(RuntimeException.class);
        RecoveryOperation taken = create.taken(Optional.of(ResourceRef.of(new SnapshotId(804))), T0.plusSeconds(2), "took");
        assertThat(operations.updateUnflushed(create, taken)).isTrue();
        assertThat(operations.find(create.id())).contains(taken);
    }

    @Test
    void anUpdateLandsOnlyOverTheVersionItWasMadeFrom() {
        RecoveryOperations operations = emptyOperations();
        RecoveryOperation accepted = create(BLUE, WEB, T0);
        operations.add(accepted);
        RecoveryOperation taken = accepted.taken(Optional.of(ResourceRef.of(new SnapshotId(802))), T0.plusSeconds(1),
                "VPS.org answered in_progress");

        assertThat(operations.update(accepted, taken)).isTrue();
        // A second writer who read version 0 too loses.
        assertThat(operations.update(accepted, accepted.answerLost(T0.plusSeconds(2), "lost"))).isFalse();

        assertThat(operations.find(accepted.id())).contains(taken);
        RecoveryOperation done = taken.completed(T0.plusSeconds(60), "completed at VPS.org");
        assertThat(operations.update(taken, done)).isTrue();
        assertThat(operations.find(accepted.id()).orElseThrow().state()).isEqualTo(OperationState.COMPLETED);
        assertThat(operations.find(accepted.id()).orElseThrow().resource())
                .contains(ResourceRef.of(new SnapshotId(802)));
        // Two steps taken at once (found, then completed) land over the version they started from.
        RecoveryOperation lost = create(GREEN, DB, T0);
        operations.add(lost);
        RecoveryOperation unresolved = lost.answerLost(T0.plusSeconds(1), "lost");
        operations.update(lost, unresolved);
        RecoveryOperation settled = unresolved.found(Optional.empty(), T0.plusSeconds(2), "found")
                .completed(T0.plusSeconds(2), "done");
        assertThat(operations.update(unresolved, settled)).isTrue();
        assertThat(operations.find(lost.id())).contains(settled);
        // An unflushed update (ADR 0083) lands over its version as an update does, and only there.
        RecoveryOperation tracked = create(BLUE, DB, T0);
        operations.add(tracked);
        RecoveryOperation inProgress = tracked.taken(Optional.empty(), T0.plusSeconds(1), "VPS.org took it");
        assertThat(operations.updateUnflushed(tracked, inProgress)).isTrue();
        assertThat(operations.updateUnflushed(tracked, tracked.answerLost(T0.plusSeconds(2), "lost"))).isFalse();
        assertThat(operations.find(tracked.id())).contains(inProgress);
    }

    @Test
    void aRestoreWaitingForItsSafetySnapshotHoldsItsServerIsListedByStateAndNotDueForTheTracker() {
        RecoveryOperations operations = emptyOperations();
        ResourceRef snapshot = ResourceRef.of(new SnapshotId(801));
        RecoveryOperation waiting = RecoveryOperation.awaitingSafetySnapshot(OperationId.random(), BLUE,
                new RequestId("r-safe"), Operation.RESTORE_SNAPSHOT, WEB, snapshot, Optional.empty(), T0,
                Duration.ofMinutes(45));
        operations.add(waiting);

        assertThat(operations.find(waiting.id())).contains(waiting);
        assertThat(operations.liveRestores(Optional.of(WEB), Optional.empty(), T0.plusSeconds(60))).containsExactly(waiting);
        assertThat(operations.list(Optional.empty(), Optional.empty(), Optional.of(OperationState.AWAITING_SAFETY_SNAPSHOT),
                10)).containsExactly(waiting);
        assertThat(operations.openByServer(T0.plus(Duration.ofHours(1)), 10)).isEmpty();

        // Its window starts when the restore is finally asked: the new deadline is stored.
        RecoveryOperation accepted = waiting.safetySnapshotTaken(T0.plus(Duration.ofMinutes(5)), Duration.ofMinutes(15), "asked");
        assertThat(operations.update(waiting, accepted)).isTrue();
        RecoveryOperation stored = operations.find(waiting.id()).orElseThrow();
        assertThat(stored.state()).isEqualTo(OperationState.ACCEPTED);
        assertThat(stored.deadline()).isEqualTo(T0.plus(Duration.ofMinutes(20)));
        assertThat(operations.update(waiting, waiting.safetySnapshotFailed(T0.plusSeconds(1), "late"))).isFalse();

        // VPS.org did nothing with the restore (rate limited): it waits again, under its deadline while it waited.
        RecoveryOperation again = stored.restoreNotTakenNow(T0.plus(Duration.ofMinutes(6)), waiting.deadline(), "not now");
        assertThat(operations.update(stored, again)).isTrue();
        RecoveryOperation waitingAgain = operations.find(waiting.id()).orElseThrow();
        assertThat(waitingAgain.state()).isEqualTo(OperationState.AWAITING_SAFETY_SNAPSHOT);
        assertThat(waitingAgain.deadline()).isEqualTo(T0.plus(Duration.ofMinutes(45)));
        assertThat(operations.list(Optional.empty(), Optional.empty(), Optional.of(OperationState.AWAITING_SAFETY_SNAPSHOT),
                10)).extracting(RecoveryOperation::id).containsExactly(waiting.id());
        assertThat(operations.liveRestores(Optional.of(WEB), Optional.empty(), T0.plus(Duration.ofMinutes(30))))
                .extracting(RecoveryOperation::id).containsExactly(waiting.id());
    }

    @Test
    void anOperationWaitingForApprovalIsStoredWithItsApprovalHoldsNothingAndOneDecisionLands() {
        RecoveryOperations operations = emptyOperations();
        Actor alice = Actor.of("alice", Actor.Authentication.JWT, "key-1");
        Actor bob = Actor.of("bob", Actor.Authentication.JWT, "key-1");
        Actor carol = Actor.of("carol", Actor.Authentication.JWT, null);
        RecoveryOperation pending = RecoveryOperation.pendingApproval(OperationId.random(), BLUE, new RequestId("r-appr"),
                Operation.RESTORE_SERVER_FROM_BACKUP, DB, ResourceRef.of(new BackupId(499)), Optional.of(WEB),
                Approval.requested(alice, T0, T0.plus(Duration.ofHours(1)), true));
        operations.add(pending);

        assertThat(operations.find(pending.id())).contains(pending);
        assertThat(operations.list(Optional.of(BLUE), Optional.empty(), Optional.of(OperationState.PENDING_APPROVAL), 10))
                .containsExactly(pending);
        assertThat(operations.liveRestores(Optional.of(DB), Optional.empty(), T0.plusSeconds(60))).isEmpty();
        assertThat(operations.openByServer(T0.plus(Duration.ofHours(2)), 10)).isEmpty();

        RecoveryOperation approved = pending.approve(bob, T0.plusSeconds(30), Optional.of("checked the ticket"),
                Duration.ofMinutes(10));
        assertThat(operations.update(pending, approved)).isTrue();
        // A second person deciding over the same version loses.
        assertThat(operations.update(pending, pending.deny(carol, T0.plusSeconds(31), Optional.empty()))).isFalse();
        assertThat(operations.find(pending.id())).contains(approved);
        assertThat(operations.openByServer(T0.plus(Duration.ofHours(2)), 10)).isEmpty();

        RecoveryOperation run = approved.run(RecoveryOperation.accepted(pending.id(), BLUE, pending.requestId(),
                Operation.RESTORE_SERVER_FROM_BACKUP, DB, pending.resource(), Optional.of(WEB), T0.plusSeconds(32),
                Duration.ofMinutes(15)));
        assertThat(operations.update(approved, run)).isTrue();
        RecoveryOperation stored = operations.find(pending.id()).orElseThrow();
        assertThat(stored).isEqualTo(run);
        assertThat(stored.approval().orElseThrow().decision().orElseThrow().by()).isEqualTo(bob);
        assertThat(stored.approval().orElseThrow().skipSafetySnapshot()).isTrue();
        assertThat(operations.liveRestores(Optional.of(DB), Optional.empty(), T0.plusSeconds(60))).containsExactly(run);

        RecoveryOperation other = RecoveryOperation.pendingApproval(OperationId.random(), BLUE, new RequestId("r-den"),
                Operation.DELETE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(801)), Optional.empty(),
                // Asked with a service token before ADR 0040 refused that: such rows are still read and decided.
                new Approval(Actor.of("blue/ci", Actor.Authentication.SERVICE_TOKEN, "ci"), T0,
                        T0.plus(Duration.ofMinutes(5)), false, Optional.empty()));
        operations.add(other);
        RecoveryOperation denied = other.deny(carol, T0.plusSeconds(5), Optional.empty());
        assertThat(operations.update(other, denied)).isTrue();
        assertThat(operations.find(other.id())).contains(denied);
    }

    /**
     * The pause's hold on an approved run is stored as it moves, whatever the note's words (ADR 0043, amended in session
     * 55): held back, claimed, no longer held, and given up while held each read back as written.
     */
    @Test
    void thePauseHoldOfAnApprovedRunIsStoredThroughEachOfItsMoves() {
        RecoveryOperations operations = emptyOperations();
        RecoveryOperation pending = RecoveryOperation.pendingApproval(OperationId.random(), BLUE, new RequestId("r-held"),
                Operation.DELETE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(801)), Optional.empty(),
                Approval.requested(Actor.of("alice", Actor.Authentication.JWT, "key-1"), T0, T0.plus(Duration.ofHours(1)),
                        false));
        operations.add(pending);
        RecoveryOperation approved = pending.approve(Actor.of("bob", Actor.Authentication.JWT, "key-1"),
                T0.plusSeconds(30), Optional.empty(), Duration.ofMinutes(10));
        assertThat(operations.update(pending, approved)).isTrue();
        assertThat(operations.find(pending.id()).orElseThrow().pauseHold()).isEqualTo(PauseHold.NONE);

        // Each row in words of its own, not the pause's: a store that dropped pause_hold cannot read it from the note.
        RecoveryOperation held = reworded(approved.heldBackByThePause(T0.plusSeconds(90), Duration.ofSeconds(5),
                Duration.ofMinutes(1)), "waiting: words of an operator");
        assertThat(operations.update(approved, held)).isTrue();
        assertThat(operations.find(pending.id())).contains(held);
        assertThat(operations.find(pending.id()).orElseThrow().pauseHold()).isEqualTo(PauseHold.HELD_BACK);
        RecoveryOperation claimed = reworded(held.claimedToRun(T0.plusSeconds(200), Duration.ofMinutes(2)),
                "claimed: words of an operator");
        assertThat(operations.update(held, claimed)).isTrue();
        assertThat(operations.find(pending.id()).orElseThrow().pauseHold()).isEqualTo(PauseHold.HELD_BACK);
        RecoveryOperation noLonger = reworded(claimed.noLongerHeldBack(T0.plusSeconds(210), Duration.ofSeconds(5),
                Duration.ofMinutes(1)), "released: words of an operator");
        assertThat(operations.update(claimed, noLonger)).isTrue();
        assertThat(operations.find(pending.id())).contains(noLonger);
        assertThat(operations.find(pending.id()).orElseThrow().pauseHold()).isEqualTo(PauseHold.NO_LONGER_HELD);

        RecoveryOperation other = RecoveryOperation.pendingApproval(OperationId.random(), BLUE, new RequestId("r-gone"),
                Operation.DELETE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(802)), Optional.empty(),
                Approval.requested(Actor.of("alice", Actor.Authentication.JWT, "key-1"), T0, T0.plus(Duration.ofHours(1)),
                        false));
        operations.add(other);
        RecoveryOperation otherApproved = other.approve(Actor.of("bob", Actor.Authentication.JWT, "key-1"),
                T0.plusSeconds(30), Optional.empty(), Duration.ofMinutes(10));
        RecoveryOperation otherHeld = reworded(otherApproved.heldBackByThePause(T0.plusSeconds(90), Duration.ofSeconds(5),
                Duration.ofMinutes(1)), "waiting: other words");
        RecoveryOperation givenUp = reworded(otherHeld.givenUpWhileHeldBack(T0.plusSeconds(700), "given up while held"),
                "ended: other words");
        assertThat(operations.update(other, otherApproved)).isTrue();
        assertThat(operations.update(otherApproved, otherHeld)).isTrue();
        assertThat(operations.update(otherHeld, givenUp)).isTrue();
        assertThat(operations.find(other.id())).contains(givenUp);
        assertThat(operations.find(other.id()).orElseThrow().pauseHold()).isEqualTo(PauseHold.GIVEN_UP_WHILE_HELD);
    }

    /**
     * The reason an approved run was refused when it came to run is stored with its end, whatever the note's words (ADR
     * 0040, amended in session 56): the rows carry words of their own, so a store that dropped the reason cannot read it
     * back from the note; a run given up is stored with none, though its words look like a refusal's.
     */
    @Test
    void theReasonOfARunRefusedWhenItCameToRunIsStoredWithItsEnd() {
        RecoveryOperations operations = emptyOperations();
        RecoveryOperation pending = RecoveryOperation.pendingApproval(OperationId.random(), BLUE, new RequestId("r-refused"),
                Operation.DELETE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(803)), Optional.empty(),
                Approval.requested(Actor.of("alice", Actor.Authentication.JWT, "key-1"), T0, T0.plus(Duration.ofHours(1)),
                        false));
        operations.add(pending);
        RecoveryOperation approved = pending.approve(Actor.of("bob", Actor.Authentication.JWT, "key-1"),
                T0.plusSeconds(30), Optional.empty(), Duration.ofMinutes(10));
        assertThat(operations.update(pending, approved)).isTrue();
        assertThat(operations.find(pending.id()).orElseThrow().refusedOnRunFor()).isEmpty();
        RecoveryOperation refused = reworded(approved.rejectedOnRun(T0.plusSeconds(40),
                ReasonCode.RECOVERY_POINT_HELD, "the snapshot has a hold"), "refusé : words of an operator");
        assertThat(operations.update(approved, refused, new ApprovalStep(refused.kind(), refused.requestId()))).isTrue();
        assertThat(operations.find(pending.id())).contains(refused);
        assertThat(operations.find(pending.id()).orElseThrow().refusedOnRunFor()).contains(ReasonCode.RECOVERY_POINT_HELD);
        assertThat(operations.owingApprovalEvents(10)).filteredOn(owed -> owed.operation().id().equals(pending.id()))
                .singleElement().satisfies(owed -> assertThat(owed.operation().refusedOnRunFor())
                        .contains(ReasonCode.RECOVERY_POINT_HELD));

        RecoveryOperation other = RecoveryOperation.pendingApproval(OperationId.random(), BLUE, new RequestId("r-given-up"),
                Operation.DELETE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(804)), Optional.empty(),
                Approval.requested(Actor.of("alice", Actor.Authentication.JWT, "key-1"), T0, T0.plus(Duration.ofHours(1)),
                        false));
        operations.add(other);
        RecoveryOperation otherApproved = other.approve(Actor.of("bob", Actor.Authentication.JWT, "key-1"),
                T0.plusSeconds(30), Optional.empty(), Duration.ofMinutes(10));
        RecoveryOperation givenUp = otherApproved.rejectedOnRun(T0.plusSeconds(700),
                RecoveryOperation.REFUSED_ON_RUN_NOTE_START + "SNAPSHOT_NOT_COMPLETED: words of an operator");
        assertThat(operations.update(other, otherApproved)).isTrue();
        assertThat(operations.update(otherApproved, givenUp)).isTrue();
        assertThat(operations.find(other.id())).contains(givenUp);
        assertThat(operations.find(other.id()).orElseThrow().refusedOnRunFor()).isEmpty();
    }

    /** {@code o} with {@code words} as its note, the same version: what a move wrote, in other words than its own. */
    private static RecoveryOperation reworded(RecoveryOperation o, String words) {
        return new RecoveryOperation(o.id(), o.team(), o.requestId(), o.kind(), o.server(), o.resource(),
                o.resourceServer(), o.state(), o.acceptedAt(), o.updatedAt(), o.deadline(), Optional.of(words),
                o.nextCheckAt(), o.checks(), o.version(), o.approval(), o.releasedBeforeVpsOrgWasAsked(),
                o.approvedRunAt(), o.pauseHold(), o.refusedOnRunFor());
    }

    @Test
    void anApprovalStepsEventIsOwedWithItsWriteUntilItIsWrittenAndAStaleWriteMarksNothing() {
        RecoveryOperations operations = emptyOperations();
        Actor alice = Actor.of("alice", Actor.Authentication.JWT, "key-1");
        Actor bob = Actor.of("bob", Actor.Authentication.JWT, "key-1");
        RecoveryOperation pending = RecoveryOperation.pendingApproval(OperationId.random(), BLUE, new RequestId("r-ask"),
                Operation.DELETE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(801)), Optional.empty(),
                Approval.requested(alice, T0, T0.plus(Duration.ofHours(1)), false));
        ApprovalStep asked = new ApprovalStep(Operation.REQUEST_APPROVAL, new RequestId("r-ask"));
        RecoveryOperation untouched = create(BLUE, WEB, T0);
        operations.add(untouched);

        operations.add(pending, asked);

        assertThat(operations.find(pending.id())).contains(pending);
        assertThat(operations.owingApprovalEvents(10)).containsExactly(new OwedApprovalEvents(pending, List.of(asked)));

        RecoveryOperation approved = pending.approve(bob, T0.plusSeconds(30), Optional.empty(), Duration.ofMinutes(10));
        ApprovalStep approval = new ApprovalStep(Operation.APPROVE_OPERATION, new RequestId("r-bob:1"));
        assertThat(operations.update(pending, approved, approval)).isTrue();
        // A write over a stale version lands nothing, its mark neither.
        assertThat(operations.update(pending, pending.deny(bob, T0.plusSeconds(31), Optional.empty()),
                new ApprovalStep(Operation.DENY_OPERATION, new RequestId("r-late")))).isFalse();
        assertThat(operations.owingApprovalEvents(10)).containsExactly(new OwedApprovalEvents(approved, List.of(asked, approval)));
        assertThat(operations.owedApprovalSteps(pending.id())).containsExactly(asked, approval);
        assertThat(operations.owedApprovalSteps(untouched.id())).isEmpty();
        assertThat(operations.owedApprovalSteps(OperationId.random())).isEmpty();

        // Written: no longer owed, and the operation's version is left alone (a mark is not a move).
        operations.approvalEventWritten(pending.id(), asked);
        assertThat(operations.owingApprovalEvents(10)).containsExactly(new OwedApprovalEvents(approved, List.of(approval)));
        operations.approvalEventWritten(pending.id(), approval);
        assertThat(operations.owingApprovalEvents(10)).isEmpty();
        assertThat(operations.owedApprovalSteps(pending.id())).isEmpty();
        assertThat(operations.find(pending.id())).contains(approved);
        RecoveryOperation claimed = approved.claimedToRun(T0.plusSeconds(40), Duration.ofMinutes(2));
        assertThat(operations.update(approved, claimed)).isTrue();
        assertThat(operations.owingApprovalEvents(10)).isEmpty();
    }

    @Test
    void theOnesInAStateDueByATimeComeEarliestFirstHoweverTheyWereAdded() {
        RecoveryOperations operations = emptyOperations();
        Actor alice = Actor.of("alice", Actor.Authentication.JWT, "key-1");
        RecoveryOperation later = pending(alice, T0.plusSeconds(60), Duration.ofMinutes(30));
        RecoveryOperation earliest = pending(alice, T0, Duration.ofMinutes(20));
        RecoveryOperation notYet = pending(alice, T0.plusSeconds(120), Duration.ofHours(2));
        RecoveryOperation middle = pending(alice, T0.plusSeconds(30), Duration.ofMinutes(25));
        for (RecoveryOperation each : java.util.List.of(later, earliest, notYet, middle)) {
            operations.add(each);
        }
        RecoveryOperation accepted = create(BLUE, WEB, T0); // another state, due at once
        operations.add(accepted);

        Instant at = T0.plus(Duration.ofMinutes(31));
        assertThat(operations.dueIn(OperationState.PENDING_APPROVAL, at, 10)).containsExactly(earliest, middle, later);
        assertThat(operations.dueIn(OperationState.PENDING_APPROVAL, at, 2)).containsExactly(earliest, middle);
        assertThat(operations.dueIn(OperationState.PENDING_APPROVAL, T0.plusSeconds(60), 10)).isEmpty();
        assertThat(operations.dueIn(OperationState.APPROVED, at, 10)).isEmpty();
        assertThat(operations.dueIn(OperationState.ACCEPTED, at, 10)).containsExactly(accepted);
        assertThatThrownBy(() -> operations.dueIn(OperationState.APPROVED, at, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A walk of dueIn's pages, each after the last of the one before, reaches every operation due once, in order,
     * ties of the next check too, however many pages there are; and the page after the last is empty.
     */
    @Test
    void thePagesAfterTheFirstReachEveryOneDueOnceInTheSameOrder() {
        RecoveryOperations operations = emptyOperations();
        List<RecoveryOperation> due = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // Two at each next check but the last: the id orders a tie.
            RecoveryOperation waiting = RecoveryOperation.awaitingSafetySnapshot(OperationId.random(), BLUE,
                    new RequestId("r-wave-" + i), Operation.RESTORE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(800 + i)),
                    Optional.empty(), T0.plusSeconds(i / 2), Duration.ofHours(1));
            operations.add(waiting);
            due.add(waiting);
        }
        RecoveryOperation notYet = RecoveryOperation.awaitingSafetySnapshot(OperationId.random(), BLUE,
                new RequestId("r-later"), Operation.RESTORE_SNAPSHOT, DB, ResourceRef.of(new SnapshotId(900)),
                Optional.empty(), T0.plusSeconds(60), Duration.ofHours(1));
        operations.add(notYet);
        operations.add(create(BLUE, WEB, T0)); // another state, due at once
        Instant at = T0.plusSeconds(10);

        List<RecoveryOperation> walked = new java.util.ArrayList<>(
                operations.dueIn(OperationState.AWAITING_SAFETY_SNAPSHOT, at, 3));
        assertThat(walked).hasSize(3);
        while (walked.size() < due.size()) {
            List<RecoveryOperation> page = operations.dueInAfter(OperationState.AWAITING_SAFETY_SNAPSHOT, at,
                    walked.getLast(), 3);
            assertThat(page).isNotEmpty().hasSizeLessThanOrEqualTo(3);
            walked.addAll(page);
        }

        assertThat(walked).containsExactlyInAnyOrderElementsOf(due)
                .isSortedAccordingTo(java.util.Comparator.comparing(RecoveryOperation::nextCheckAt));
        assertThat(walked).containsExactlyElementsOf(operations.dueIn(OperationState.AWAITING_SAFETY_SNAPSHOT, at, 10));
        assertThat(operations.dueInAfter(OperationState.AWAITING_SAFETY_SNAPSHOT, at, walked.getLast(), 3)).isEmpty();
        assertThatThrownBy(() -> operations.dueInAfter(OperationState.AWAITING_SAFETY_SNAPSHOT, at, walked.getLast(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static RecoveryOperation pending(Actor requester, Instant at, Duration limit) {
        return RecoveryOperation.pendingApproval(OperationId.random(), BLUE, new RequestId("r-" + at.getEpochSecond()),
                Operation.DELETE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(at.getEpochSecond())), Optional.empty(),
                Approval.requested(requester, at, at.plus(limit), false));
    }

    @Test
    void liveRestoresAreTheHoldsInForceByTargetAndSourceAndReleasedOnesAreNot() {
        RecoveryOperations operations = emptyOperations();
        ResourceRef backup = ResourceRef.of(new BackupId(499));
        // DB restored from WEB's backup: the source's server is kept with the operation.
        RecoveryOperation fromBackup = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("r-1"),
                Operation.RESTORE_SERVER_FROM_BACKUP, DB, Optional.of(backup), Optional.of(WEB), T0, Duration.ofMinutes(15));
        RecoveryOperation fromSnapshot = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("r-2"),
                Operation.RESTORE_SNAPSHOT, WEB, Optional.of(ResourceRef.of(new SnapshotId(801))), T0.plusSeconds(1),
                Duration.ofMinutes(15));
        operations.add(fromBackup);
        operations.add(fromSnapshot);
        operations.add(create(BLUE, WEB, T0));

        assertThat(operations.find(fromBackup.id()).orElseThrow().resourceServer()).contains(WEB);
        assertThat(operations.liveRestores(Optional.empty(), Optional.empty(), T0.plusSeconds(60)))
                .extracting(RecoveryOperation::id).containsExactly(fromSnapshot.id(), fromBackup.id());
        assertThat(operations.liveRestores(Optional.of(DB), Optional.empty(), T0.plusSeconds(60)))
                .containsExactly(fromBackup);
        assertThat(operations.liveRestores(Optional.empty(), Optional.of(backup), T0.plusSeconds(60)))
                .containsExactly(fromBackup);
        // The window's end ends the hold, whether or not the tracker has recorded it yet.
        assertThat(operations.liveRestores(Optional.empty(), Optional.empty(), T0.plus(Duration.ofMinutes(15)).plusSeconds(1)))
                .isEmpty();

        RecoveryOperation released = fromBackup.releasedEarly(T0.plusSeconds(90), "released early by blue");
        assertThat(operations.update(fromBackup, released)).isTrue();
        assertThat(operations.find(fromBackup.id()).orElseThrow().state()).isEqualTo(OperationState.RELEASED);
        assertThat(operations.liveRestores(Optional.empty(), Optional.of(backup), T0.plusSeconds(91))).isEmpty();
    }

    /**
     * An approved restore keeps the instant it ran, an hour after it was asked, through every later move and read: its
     * hold on the server begins there (the server's {@code x_vpsr_restore.since}), not at its ask, which stays its
     * {@code acceptedAt} (ADR 0040, amended in session 43).
     */
    @Test
    void anApprovedRestoreKeepsTheInstantItRanAtAndItsHoldBeginsThere() {
        RecoveryOperations operations = emptyOperations();
        ResourceRef snapshot = ResourceRef.of(new SnapshotId(801));
        RecoveryOperation pending = RecoveryOperation.pendingApproval(OperationId.random(), BLUE, new RequestId("r-ran"),
                Operation.RESTORE_SNAPSHOT, WEB, snapshot, Optional.empty(),
                Approval.requested(Actor.of("alice", Actor.Authentication.JWT, "key-1"), T0, T0.plus(Duration.ofHours(2)),
                        false));
        operations.add(pending);
        Instant approvedAt = T0.plus(Duration.ofHours(1));
        RecoveryOperation approved = pending.approve(Actor.of("bob", Actor.Authentication.JWT, "key-1"), approvedAt,
                Optional.empty(), Duration.ofMinutes(10));
        assertThat(operations.update(pending, approved)).isTrue();
        RecoveryOperation claimed = approved.claimedToRun(approvedAt, Duration.ofMinutes(2));
        assertThat(operations.update(approved, claimed)).isTrue();
        assertThat(operations.find(pending.id()).orElseThrow().approvedRunAt()).isEmpty();

        Instant ranAt = approvedAt.plusSeconds(2);
        RecoveryOperation run = claimed.run(RecoveryOperation.accepted(pending.id(), BLUE, pending.requestId(),
                Operation.RESTORE_SNAPSHOT, WEB, Optional.of(snapshot), ranAt, Duration.ofMinutes(15)));
        assertThat(operations.update(claimed, run)).isTrue();
        RecoveryOperation taken = run.taken(Optional.empty(), ranAt.plusSeconds(1), "VPS.org took the restore");
        assertThat(operations.updateUnflushed(run, taken)).isTrue();

        RecoveryOperation stored = operations.find(pending.id()).orElseThrow();
        assertThat(stored).isEqualTo(taken);
        assertThat(stored.acceptedAt()).isEqualTo(T0);
        assertThat(stored.approvedRunAt()).contains(ranAt);
        assertThat(operations.findAll(List.of(pending.id()))).containsEntry(pending.id(), taken);
        Instant now = ranAt.plusSeconds(60);
        for (List<RecoveryOperation> read : List.of(operations.liveRestores(Optional.of(WEB), Optional.empty(), now),
                operations.liveRestoresOfServerOrPoint(WEB, snapshot, now), operations.listNotFinal(Optional.of(BLUE), 10),
                operations.list(Optional.of(BLUE), Optional.of(WEB), Optional.empty(), 10))) {
            assertThat(read).singleElement().satisfies(restore -> {
                assertThat(restore.approvedRunAt()).contains(ranAt);
                assertThat(restore.hold(now).orElseThrow().since()).isEqualTo(ranAt);
            });
        }
        RecoveryOperation released = taken.releasedEarly(now, "released early by blue");
        assertThat(operations.update(taken, released)).isTrue();
        assertThat(operations.find(pending.id()).orElseThrow().approvedRunAt()).contains(ranAt);
    }

    /**
     * Whether a released restore was released before VPS.org was asked is kept with it, as the release set it, and read
     * back by every read (the reconciler's choice of its lost end rests on it: ADR 0029, amended in session 41); a note
     * that begins with the waiting release's words says nothing.
     */
    @Test
    void aReleasedRestoreKeepsWhetherVpsOrgWasAskedBeforeItsRelease() {
        RecoveryOperations operations = emptyOperations();
        ResourceRef snapshot = ResourceRef.of(new SnapshotId(801));
        RecoveryOperation waiting = RecoveryOperation.awaitingSafetySnapshot(OperationId.random(), BLUE,
                new RequestId("r-waiting"), Operation.RESTORE_SNAPSHOT, WEB, snapshot, Optional.empty(), T0,
                Duration.ofMinutes(45));
        RecoveryOperation asked = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("r-asked"),
                Operation.RESTORE_SNAPSHOT, DB, Optional.of(snapshot), T0.plusSeconds(1), Duration.ofMinutes(15));
        operations.add(waiting);
        operations.add(asked);
        RecoveryOperation taken = asked.taken(Optional.empty(), T0.plusSeconds(2), "VPS.org took it");
        assertThat(operations.update(asked, taken)).isTrue();

        RecoveryOperation releasedWaiting = waiting.releasedEarly(T0.plusSeconds(60), "hold released early by team blue");
        RecoveryOperation releasedAsked = taken.releasedEarly(T0.plusSeconds(60), "released while it waited for its "
                + "safety snapshot, before VPS.org was asked to restore, as the ticket said");
        assertThat(operations.update(waiting, releasedWaiting)).isTrue();
        assertThat(operations.updateUnflushed(taken, releasedAsked)).isTrue();

        assertThat(operations.find(waiting.id())).contains(releasedWaiting)
                .hasValueSatisfying(found -> assertThat(found.releasedBeforeVpsOrgWasAsked()).isTrue());
        assertThat(operations.find(asked.id())).contains(releasedAsked)
                .hasValueSatisfying(found -> assertThat(found.releasedBeforeVpsOrgWasAsked()).isFalse());
        assertThat(operations.findAll(List.of(waiting.id(), asked.id()))).containsOnly(
                java.util.Map.entry(waiting.id(), releasedWaiting), java.util.Map.entry(asked.id(), releasedAsked));
        assertThat(operations.list(Optional.of(BLUE), Optional.empty(), Optional.of(OperationState.RELEASED), 10))
                .containsExactlyInAnyOrder(releasedWaiting, releasedAsked);
    }

    @Test
    void theLiveRestoresOfAServerOrAPointAreBothReadsTogetherEachOnceNewestFirst() {
        RecoveryOperations operations = emptyOperations();
        ResourceRef snapshot = ResourceRef.of(new SnapshotId(801));
        ResourceRef backup = ResourceRef.of(new BackupId(499));
        // On WEB from its own snapshot 801 (both reads find it), on DB from 801 (the point's), on WEB from a backup
        // (the server's), on DB from the backup (neither), and one whose window ended (neither).
        RecoveryOperation webFromPoint = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("r-1"),
                Operation.RESTORE_SNAPSHOT, WEB, Optional.of(snapshot), T0, Duration.ofMinutes(15));
        RecoveryOperation dbFromPoint = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("r-2"),
                Operation.RESTORE_SNAPSHOT, DB, Optional.of(snapshot), T0.plusSeconds(2), Duration.ofMinutes(15));
        RecoveryOperation webFromBackup = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("r-3"),
                Operation.RESTORE_SERVER_FROM_BACKUP, WEB, Optional.of(backup), Optional.of(DB), T0.plusSeconds(1),
                Duration.ofMinutes(15));
        RecoveryOperation dbFromBackup = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("r-4"),
                Operation.RESTORE_SERVER_FROM_BACKUP, DB, Optional.of(backup), Optional.of(WEB), T0.plusSeconds(3),
                Duration.ofMinutes(15));
        RecoveryOperation ended = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("r-5"),
                Operation.RESTORE_SNAPSHOT, WEB, Optional.of(snapshot), T0.minusSeconds(600), Duration.ofMinutes(5));
        List.of(webFromPoint, dbFromPoint, webFromBackup, dbFromBackup, ended, create(BLUE, WEB, T0)).forEach(operations::add);
        Instant at = T0.plusSeconds(60);

        assertThat(operations.liveRestoresOfServerOrPoint(WEB, snapshot, at))
                .containsExactly(dbFromPoint, webFromBackup, webFromPoint);
        java.util.Set<RecoveryOperation> eachAlone = new java.util.HashSet<>(operations.liveRestores(Optional.of(WEB),
                Optional.empty(), at));
        eachAlone.addAll(operations.liveRestores(Optional.empty(), Optional.of(snapshot), at));
        assertThat(operations.liveRestoresOfServerOrPoint(WEB, snapshot, at)).containsExactlyInAnyOrderElementsOf(eachAlone);
    }

    @Test
    void theOperationsAboutSomePointsAreTheirCreatesDeletesAndRestoresOldestFirst() {
        RecoveryOperations operations = emptyOperations();
        ResourceRef made = ResourceRef.of(new SnapshotId(802));
        ResourceRef backup = ResourceRef.of(new BackupId(802));
        RecoveryOperation create = create(BLUE, WEB, T0);
        operations.add(create);
        RecoveryOperation taken = create.taken(Optional.of(made), T0.plusSeconds(1), "VPS.org took it");
        operations.update(create, taken);
        RecoveryOperation delete = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("d-1"),
                Operation.DELETE_SNAPSHOT, WEB, Optional.of(made), T0.plusSeconds(5), Duration.ofMinutes(10));
        operations.add(delete);
        RecoveryOperation ofBackup = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("d-2"),
                Operation.DELETE_BACKUP, WEB, Optional.of(backup), T0.plusSeconds(6), Duration.ofMinutes(10));
        operations.add(ofBackup);
        operations.add(create(BLUE, DB, T0.plusSeconds(7)));

        // The same id of another type is another point.
        assertThat(operations.about(java.util.List.of(made))).extracting(RecoveryOperation::id)
                .containsExactly(create.id(), delete.id());
        assertThat(operations.about(java.util.List.of(made, backup))).extracting(RecoveryOperation::id)
                .containsExactly(create.id(), delete.id(), ofBackup.id());
        assertThat(operations.about(java.util.List.of(ResourceRef.of(new SnapshotId(999))))).isEmpty();
        assertThat(operations.about(java.util.List.of())).isEmpty();
    }

    /** A policy run's create is looked for by its request id (ADR 0036, amended in session 39), not among the newest. */
    @Test
    void theOperationsOfARequestAreFoundByItHoweverManyNewerOnesTheServerHas() {
        RecoveryOperations operations = emptyOperations();
        RequestId run = new RequestId("policy-run:p1:12345:1764496800");
        RecoveryOperation first = RecoveryOperation.accepted(OperationId.random(), BLUE, run, Operation.CREATE_SNAPSHOT,
                WEB, Optional.empty(), T0, Duration.ofMinutes(30));
        RecoveryOperation again = RecoveryOperation.accepted(OperationId.random(), BLUE, run, Operation.CREATE_SNAPSHOT,
                WEB, Optional.empty(), T0.plusSeconds(60), Duration.ofMinutes(30));
        RecoveryOperation anotherTeams = RecoveryOperation.accepted(OperationId.random(), GREEN, run,
                Operation.CREATE_SNAPSHOT, DB, Optional.empty(), T0.plusSeconds(30), Duration.ofMinutes(30));
        operations.add(first);
        operations.add(again);
        operations.add(anotherTeams);
        for (int i = 0; i < RecoveryOperations.MAX_PAGE; i++) {
            operations.add(create(BLUE, WEB, T0.plusSeconds(120 + i)));
        }
        // The server's newest page no longer holds them.
        assertThat(operations.list(Optional.of(BLUE), Optional.of(WEB), Optional.empty(), RecoveryOperations.MAX_PAGE))
                .doesNotContain(first, again);

        assertThat(operations.withRequest(BLUE, run, RecoveryOperations.MAX_PAGE)).containsExactly(again, first);
        assertThat(operations.withRequest(BLUE, run, 1)).containsExactly(again);
        assertThat(operations.withRequest(GREEN, run, RecoveryOperations.MAX_PAGE)).containsExactly(anotherTeams);
        assertThat(operations.withRequest(BLUE, new RequestId("policy-run:p1:12345:0"), RecoveryOperations.MAX_PAGE))
                .isEmpty();
        assertThatThrownBy(() -> operations.withRequest(BLUE, run, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listsNewestFirstByTeamServerAndState() {
        RecoveryOperations operations = emptyOperations();
        RecoveryOperation first = create(BLUE, WEB, T0);
        RecoveryOperation second = create(BLUE, DB, T0.plusSeconds(1));
        RecoveryOperation third = create(GREEN, WEB, T0.plusSeconds(2));
        operations.add(first);
        operations.add(second);
        operations.add(third);
        operations.update(second, second.refused(T0.plusSeconds(3), "VPS.org refused"));

        assertThat(operations.list(Optional.empty(), Optional.empty(), Optional.empty(), 10))
                .extracting(RecoveryOperation::id).containsExactly(third.id(), second.id(), first.id());
        assertThat(operations.list(Optional.of(BLUE), Optional.empty(), Optional.empty(), 10))
                .extracting(RecoveryOperation::id).containsExactly(second.id(), first.id());
        assertThat(operations.list(Optional.of(BLUE), Optional.of(WEB), Optional.empty(), 10))
                .extracting(RecoveryOperation::id).containsExactly(first.id());
        assertThat(operations.list(Optional.empty(), Optional.empty(), Optional.of(OperationState.FAILED), 10))
                .extracting(RecoveryOperation::id).containsExactly(second.id());
        assertThat(operations.list(Optional.empty(), Optional.empty(), Optional.empty(), 1)).hasSize(1);
        assertThatThrownBy(() -> operations.list(Optional.empty(), Optional.empty(), Optional.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Each filter's pages (ADR 0024, amended in session 52): accepted later first, then the greater id, each page after
     * the last one shown, a tie split between pages with none skipped or repeated, and a page after an operation whose
     * state has changed since goes on from its place.
     */
    @Test
    void pagesNewestFirstAfterTheLastShownInEachFiltersOrderWithTiesBrokenById() {
        RecoveryOperations operations = emptyOperations();
        RecoveryOperation oldest = create(BLUE, WEB, T0);
        RecoveryOperation middle = create(BLUE, DB, T0.plusSeconds(60));
        // Two accepted at the same instant: the greater id first, as a uuid orders in PostgreSQL (its hex text).
        RecoveryOperation tiedA = create(BLUE, WEB, T0.plusSeconds(120));
        RecoveryOperation tiedB = create(BLUE, WEB, T0.plusSeconds(120));
        RecoveryOperation greens = create(GREEN, WEB, T0.plusSeconds(150));
        RecoveryOperation newest = create(BLUE, WEB, T0.plusSeconds(180));
        List.of(middle, tiedA, oldest, greens, newest, tiedB).forEach(operations::add);
        RecoveryOperation failedMiddle = middle.refused(T0.plusSeconds(200), "VPS.org refused");
        assertThat(operations.update(middle, failedMiddle)).isTrue();
        boolean aFirst = tiedA.id().value().toString().compareTo(tiedB.id().value().toString()) > 0;
        RecoveryOperation tiedFirst = aFirst ? tiedA : tiedB;
        RecoveryOperation tiedSecond = aFirst ? tiedB : tiedA;
        Optional<OperationState> accepted = Optional.of(OperationState.ACCEPTED);

        assertThat(operations.newestFirst(Optional.of(BLUE), Optional.empty(), Optional.empty(), Optional.empty(), 10))
                .containsExactly(newest, tiedFirst, tiedSecond, failedMiddle, oldest);
        // Pages of two: each after the last one shown, the tie split between pages.
        assertThat(operations.newestFirst(Optional.of(BLUE), Optional.empty(), Optional.empty(), Optional.empty(), 2))
                .containsExactly(newest, tiedFirst);
        assertThat(operations.newestFirst(Optional.of(BLUE), Optional.empty(), Optional.empty(), Optional.of(tiedFirst), 2))
                .containsExactly(tiedSecond, failedMiddle);
        assertThat(operations.newestFirst(Optional.of(BLUE), Optional.empty(), Optional.empty(), Optional.of(failedMiddle), 2))
                .containsExactly(oldest);
        assertThat(operations.newestFirst(Optional.of(BLUE), Optional.empty(), Optional.empty(), Optional.of(oldest), 2))
                .isEmpty();

        // One state: a page after one no longer in it goes on from its place.
        assertThat(operations.newestFirst(Optional.of(BLUE), Optional.empty(), accepted, Optional.of(middle), 10))
                .containsExactly(oldest);
        assertThat(operations.newestFirst(Optional.of(BLUE), Optional.empty(), accepted, Optional.of(tiedFirst), 10))
                .containsExactly(tiedSecond, oldest);
        // One server's, of one team or of every team (an auditor's, and the platform's own reads).
        assertThat(operations.newestFirst(Optional.of(BLUE), Optional.of(WEB), Optional.empty(), Optional.of(newest), 10))
                .containsExactly(tiedFirst, tiedSecond, oldest);
        assertThat(operations.newestFirst(Optional.empty(), Optional.of(WEB), Optional.empty(), Optional.empty(), 2))
                .containsExactly(newest, greens);
        assertThat(operations.newestFirst(Optional.empty(), Optional.of(WEB), accepted, Optional.of(greens), 10))
                .containsExactly(tiedFirst, tiedSecond, oldest);
        assertThat(operations.newestFirst(Optional.empty(), Optional.of(DB), Optional.of(OperationState.FAILED),
                Optional.empty(), 10)).containsExactly(failedMiddle);
        // Every team's, and every team's in one state.
        assertThat(operations.newestFirst(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(newest), 2))
                .containsExactly(greens, tiedFirst);
        assertThat(operations.newestFirst(Optional.empty(), Optional.empty(), accepted, Optional.of(tiedSecond), 10))
                .containsExactly(oldest);
        assertThat(operations.newestFirst(Optional.of(GREEN), Optional.empty(), Optional.empty(), Optional.empty(), 10))
                .containsExactly(greens);
        assertThatThrownBy(() -> operations.newestFirst(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), RecoveryOperations.MAX_PAGE + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * What is in flight, however many newer operations have ended: one in each state not final, newest first, of every
     * team or of one; never an ended one; the limit keeps the newest.
     */
    @Test
    void theOnesNotFinalAreListedNewestFirstHoweverManyNewerOnesEnded() {
        RecoveryOperations operations = emptyOperations();
        Actor alice = Actor.of("alice", Actor.Authentication.JWT, "key-1");
        Actor bob = Actor.of("bob", Actor.Authentication.JWT, "key-1");
        RecoveryOperation accepted = create(BLUE, WEB, T0);
        RecoveryOperation taken = create(BLUE, DB, T0.plusSeconds(1));
        RecoveryOperation lost = create(BLUE, WEB, T0.plusSeconds(2));
        RecoveryOperation waiting = RecoveryOperation.awaitingSafetySnapshot(OperationId.random(), BLUE,
                new RequestId("r-wait"), Operation.RESTORE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(801)),
                Optional.empty(), T0.plusSeconds(3), Duration.ofMinutes(45));
        RecoveryOperation pending = pending(alice, T0.plusSeconds(4));
        RecoveryOperation approvable = pending(alice, T0.plusSeconds(5));
        RecoveryOperation greens = create(GREEN, DB, T0.plusSeconds(6));
        for (RecoveryOperation o : List.of(accepted, taken, lost, waiting, pending, approvable, greens)) {
            operations.add(o);
        }
        RecoveryOperation inProgress = taken.taken(Optional.empty(), T0.plusSeconds(10), "VPS.org took it");
        RecoveryOperation unresolved = lost.answerLost(T0.plusSeconds(10), "lost");
        RecoveryOperation approved = approvable.approve(bob, T0.plusSeconds(10), Optional.empty(), Duration.ofMinutes(10));
        assertThat(operations.update(taken, inProgress)).isTrue();
        assertThat(operations.update(lost, unresolved)).isTrue();
        assertThat(operations.update(approvable, approved)).isTrue();
        // Newer than all of them, and ended in several ways.
        for (int i = 0; i < 12; i++) {
            RecoveryOperation ended = create(i % 2 == 0 ? BLUE : GREEN, WEB, T0.plusSeconds(100 + i));
            operations.add(ended);
            switch (i % 3) {
                case 0 -> operations.update(ended, ended.refused(T0.plusSeconds(200), "refused"));
                case 1 -> {
                    RecoveryOperation going = ended.taken(Optional.empty(), T0.plusSeconds(200), "took it");
                    operations.update(ended, going);
                    operations.update(going, going.completed(T0.plusSeconds(201), "completed"));
                }
                default -> operations.update(ended, ended.timedOut(T0.plus(Duration.ofHours(1)), "no end"));
            }
        }
        RecoveryOperation denied = pending(alice, T0.plusSeconds(150));
        operations.add(denied);
        operations.update(denied, denied.deny(bob, T0.plusSeconds(151), Optional.empty()));

        List<RecoveryOperation> inFlight = operations.listNotFinal(Optional.empty(), 10);

        assertThat(inFlight).extracting(RecoveryOperation::id).containsExactly(greens.id(), approvable.id(),
                pending.id(), waiting.id(), lost.id(), taken.id(), accepted.id());
        assertThat(inFlight).extracting(RecoveryOperation::state).as("every state not final, and only those")
                .containsOnlyElementsOf(java.util.EnumSet.complementOf(finalStates()))
                .containsAll(java.util.EnumSet.complementOf(finalStates()));
        assertThat(inFlight.get(4)).isEqualTo(unresolved);
        assertThat(operations.listNotFinal(Optional.of(BLUE), 10)).extracting(RecoveryOperation::id)
                .containsExactly(approvable.id(), pending.id(), waiting.id(), lost.id(), taken.id(), accepted.id());
        assertThat(operations.listNotFinal(Optional.empty(), 2)).extracting(RecoveryOperation::id)
                .containsExactly(greens.id(), approvable.id());
        assertThatThrownBy(() -> operations.listNotFinal(Optional.empty(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static java.util.EnumSet<OperationState> finalStates() {
        java.util.EnumSet<OperationState> ended = java.util.EnumSet.noneOf(OperationState.class);
        java.util.Arrays.stream(OperationState.values()).filter(OperationState::isFinal).forEach(ended::add);
        return ended;
    }

    private static RecoveryOperation pending(Actor requester, Instant at) {
        return RecoveryOperation.pendingApproval(OperationId.random(), BLUE, new RequestId("r-" + at.getEpochSecond()),
                Operation.DELETE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(at.getEpochSecond())), Optional.empty(),
                Approval.requested(requester, at, at.plus(Duration.ofHours(1)), false));
    }

    @Test
    void theOpenOnesDueByATimeComeGroupedByServer() {
        RecoveryOperations operations = emptyOperations();
        RecoveryOperation a = create(BLUE, WEB, T0);
        RecoveryOperation b = create(BLUE, WEB, T0.plusSeconds(1));
        RecoveryOperation c = create(BLUE, DB, T0.plusSeconds(2));
        RecoveryOperation finished = create(GREEN, DB, T0.plusSeconds(3));
        RecoveryOperation later = create(GREEN, DB, T0.plusSeconds(4));
        for (RecoveryOperation o : new RecoveryOperation[] {a, b, c, finished, later}) {
            operations.add(o);
        }
        operations.update(finished, finished.refused(T0.plusSeconds(5), "VPS.org refused"));
        operations.update(later, later.unchanged(T0.plusSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(5)));

        var due = operations.openByServer(T0.plusSeconds(10), 10);

        assertThat(due).containsOnlyKeys(WEB, DB);
        assertThat(due.get(WEB)).extracting(RecoveryOperation::id).containsExactly(a.id(), b.id());
        assertThat(due.get(DB)).extracting(RecoveryOperation::id).containsExactly(c.id());
        assertThat(operations.openByServer(T0.plusSeconds(70), 10).get(DB)).extracting(RecoveryOperation::id)
                .containsExactly(c.id(), later.id());
    }
}
