package org.vpsrecovery.application.attempt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.CapturedLogRecords;
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
import org.vpsrecovery.domain.operation.PauseHold;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.ProviderFailure;
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

    private static final Actor ALICE = Actor.of("alice", Actor.Authentication.JWT, "k1");
    private static final Actor BOB = Actor.of("bob", Actor.Authentication.JWT, "k1");

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

    /**
     * A service's approval wiring (30 minutes to decide an approvable change) on the fixture's stores, through
     * {@code attempts}: paused or not, as the service was started.
     */
    private record ApprovalWiring(DeleteRecoveryPointService deletes, ApprovalsService approvals) {
    }

    private ApprovalWiring wiredThrough(AuditedAttempts attempts) {
        ApprovalGate gate = new ApprovalGate((team, kind) -> kind.isApprovable() ? Optional.of(Duration.ofMinutes(30))
                : Optional.empty(), attempts, platform.operations, platform.auditWriter, platform.clock);
        DeleteRecoveryPointService deletes = new DeleteRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), attempts, platform.holds, Optional.of(gate));
        RestoreRecoveryPointService restores = new RestoreRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), attempts, platform.clock, Optional.empty(), Optional.of(gate));
        return new ApprovalWiring(deletes, new ApprovalsService(platform.operations, attempts, platform.auditWriter,
                platform.clock, deletes, deletes, restores, restores));
    }

    /** The attempts of a service restarted paused after a restore: one for the approvals and the changes they run. */
    private AuditedAttempts pausedAttempts() {
        return new AuditedAttempts(platform.auditWriter, platform.operations,
                new InMemoryServerLock(Duration.ofSeconds(30)), platform.clock, TrackingDeadlines.DEFAULTS, true);
    }

    /**
     * A deletion of snapshot 801 asked by alice and approved by bob before the restore point: the restored database holds
     * it approved, its run not started. {@code unpaused}: the service as it ran before the restore.
     */
    private record ApprovedBeforeTheRestorePoint(RecoveryOperation approved, ApprovalWiring unpaused) {
    }

    private ApprovedBeforeTheRestorePoint approvedBeforeTheRestorePoint(String requestId) {
        platform.pausedAfterRestore = false;
        ApprovalWiring unpaused = wiredThrough(platform.attempts());
        RecoveryOperation pending = unpaused.deletes().requestDeleteSnapshot(new DeleteSnapshotCommand(
                new CallContext(BLUE, new RequestId(requestId), OperationId.random(), ALICE), new SnapshotId(801)))
                .orElseThrow();
        RecoveryOperation approved = pending.approve(BOB, platform.clock.instant(), Optional.empty(),
                ApprovalsService.RUN_BY);
        assertThat(platform.operations.update(pending, approved)).isTrue();
        return new ApprovedBeforeTheRestorePoint(approved, unpaused);
    }

    @Test
    void anApprovalWouldRunItsChangeSoItIsRefusedAndTheOperationKeepsWaitingWhileADenialIsTaken() {
        platform.pausedAfterRestore = false;
        DeleteRecoveryPointService deletes = wiredThrough(platform.attempts()).deletes();
        RecoveryOperation pending = deletes.requestDeleteSnapshot(new DeleteSnapshotCommand(
                new CallContext(BLUE, new RequestId("ask"), OperationId.random(), ALICE), new SnapshotId(801))).orElseThrow();
        ApprovalsService approvals = wiredThrough(pausedAttempts()).approvals();
        long callsBefore = mutatingCalls();
        CallContext approving = new CallContext(BLUE, new RequestId("approve"), OperationId.random(), BOB);

        assertThatThrownBy(() -> approvals.decide(new DecideApprovalCommand(approving, pending.id(), Verdict.APPROVE,
                Optional.empty()))).isInstanceOfSatisfying(PlatformUnavailable.class,
                refused -> assertThat(refused.reason()).isEqualTo(ReasonCode.PAUSED_AFTER_RESTORE));

        assertThat(mutatingCalls()).isEqualTo(callsBefore);
        assertThat(platform.operations.find(pending.id()).orElseThrow().state()).isEqualTo(OperationState.PENDING_APPROVAL);
        List<AuditEvent> approvalEvents = platform.eventsOf(approving);
        assertThat(approvalEvents).extracting(e -> e.operation() + " " + e.outcome())
                .containsExactly("APPROVE_OPERATION " + new Outcome.Rejected(ReasonCode.PAUSED_AFTER_RESTORE));

        RecoveryOperation denied = approvals.decide(new DecideApprovalCommand(new CallContext(BLUE,
                new RequestId("deny"), OperationId.random(), BOB), pending.id(), Verdict.DENY, Optional.empty()));
        assertThat(denied.state()).isEqualTo(OperationState.DENIED);
    }

    /**
     * An operation approved before the restore point, found approved by the settle job while paused: held back (nothing
     * asked of VPS.org, still approved), and its note says so and until when it may still run, written once, not at each
     * round (ADR 0043, amended in session 53). Before, nothing anywhere said why it waited until its run-by time.
     */
    @Test
    void anApprovalGivenBeforeTheRestorePointIsHeldBackAndItsOperationSaysWhyOnce() {
        RecoveryOperation approved = approvedBeforeTheRestorePoint("ask-held").approved();
        ApprovalsService approvals = wiredThrough(pausedAttempts()).approvals();
        long callsBefore = mutatingCalls();
        int eventsBefore = platform.history.all().size();

        platform.clock.advance(ApprovalsService.LEFT_TO_THE_APPROVER);
        approvals.settle();
        RecoveryOperation held = platform.operations.find(approved.id()).orElseThrow();
        platform.clock.advance(Duration.ofMinutes(2));
        approvals.settle();
        RecoveryOperation heldStill = platform.operations.find(approved.id()).orElseThrow();

        assertThat(mutatingCalls()).isEqualTo(callsBefore);
        assertThat(held.state()).isEqualTo(OperationState.APPROVED);
        assertThat(held.note()).hasValueSatisfying(note -> assertThat(note)
                .startsWith(ApprovalsService.PAUSED_HOLD_NOTE).contains(approved.deadline().toString()));
        assertThat(heldStill.state()).isEqualTo(OperationState.APPROVED);
        assertThat(heldStill.note()).isEqualTo(held.note());
        assertThat(platform.history.all()).as("no event per round").hasSize(eventsBefore);
    }

    /**
     * Own-merge review of session 53: held by the pause, then given up past its run-by time by a service restarted
     * without it (the server busy meanwhile): the pause no longer holds it, so the ordinary words are said, not the pause's.
     */
    @Test
    void anApprovalThePauseHeldThatAServiceWithoutThePauseGivesUpIsNotBlamedOnThePause() {
        ApprovedBeforeTheRestorePoint held = approvedBeforeTheRestorePoint("ask-held-then-unpaused");
        ApprovalsService approvals = wiredThrough(pausedAttempts()).approvals();
        platform.clock.advance(ApprovalsService.LEFT_TO_THE_APPROVER);
        approvals.settle();
        assertThat(platform.operations.find(held.approved().id()).orElseThrow().note()).hasValueSatisfying(note ->
                assertThat(note).startsWith(ApprovalsService.PAUSED_HOLD_NOTE));

        platform.clock.advance(ApprovalsService.RUN_BY);
        held.unpaused().approvals().settle();

        assertThat(platform.operations.find(held.approved().id()).orElseThrow().note()).hasValueSatisfying(note ->
                assertThat(note).startsWith("approved, but it could not start by").doesNotContain("pause"));
    }

    /**
     * Held by the pause, then found by a service restarted without it while VPS.org is down: still approved, tried again,
     * and its note no longer says the pause holds it (it said so until the run started or was given up); the note is the
     * operation's, shown as it is by its answer, the console and the CLI (ADR 0043, amended in session 54).
     */
    @Test
    void anApprovalThePauseHeldNoLongerSaysSoOnceAServiceWithoutThePauseTriesIt() {
        ApprovedBeforeTheRestorePoint held = approvedBeforeTheRestorePoint("ask-held-then-tried-unpaused");
        platform.clock.advance(ApprovalsService.LEFT_TO_THE_APPROVER);
        wiredThrough(pausedAttempts()).approvals().settle();
        assertThat(platform.operations.find(held.approved().id()).orElseThrow().note()).hasValueSatisfying(note ->
                assertThat(note).startsWith(ApprovalsService.PAUSED_HOLD_NOTE));
        int eventsBefore = platform.history.all().size();

        platform.clock.advance(Duration.ofMinutes(1));
        platform.provider.failNextCallWith(new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE, "VPS.org is down"));
        held.unpaused().approvals().settle();

        RecoveryOperation triedAgain = platform.operations.find(held.approved().id()).orElseThrow();
        assertThat(triedAgain.state()).isEqualTo(OperationState.APPROVED);
        assertThat(triedAgain.note()).hasValueSatisfying(note -> assertThat(note)
                .startsWith(ApprovalsService.NO_LONGER_HELD_NOTE).contains("approved by bob")
                .contains(held.approved().deadline().toString()).doesNotContain("pause"));
        assertThat(platform.history.all()).as("the audit history is not rewritten nor added to").hasSize(eventsBefore);
    }

    /**
     * The rolling restart out of the pause: held by a paused instance, then tried by one without the pause while VPS.org
     * is down (its note superseded), then found again by a paused instance. The paused one leaves the "no longer held"
     * note as it is, with no second "is held back" WARN; before, it wrote the pause's note again and warned again, and
     * each instance undid the other's note at every round (ADR 0043, amended in session 54). Returns the operation.
     */
    private RecoveryOperation heldThenTriedUnpausedThenFoundPausedAgain(String requestId) {
        ApprovedBeforeTheRestorePoint held = approvedBeforeTheRestorePoint(requestId);
        ApprovalsService paused = wiredThrough(pausedAttempts()).approvals();
        try (CapturedLogRecords log = CapturedLogRecords.of(ApprovalsService.class)) {
            platform.clock.advance(ApprovalsService.LEFT_TO_THE_APPROVER);
            paused.settle();
            platform.clock.advance(Duration.ofMinutes(1));
            platform.provider.failNextCallWith(new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE, "VPS.org is down"));
            held.unpaused().approvals().settle();
            assertThat(platform.operations.find(held.approved().id()).orElseThrow().note()).hasValueSatisfying(note ->
                    assertThat(note).startsWith(ApprovalsService.NO_LONGER_HELD_NOTE));
            int eventsBefore = platform.history.all().size();

            platform.clock.advance(Duration.ofMinutes(2));
            paused.settle();
            platform.clock.advance(Duration.ofMinutes(2));
            paused.settle();

            RecoveryOperation foundAgain = platform.operations.find(held.approved().id()).orElseThrow();
            assertThat(foundAgain.state()).isEqualTo(OperationState.APPROVED);
            assertThat(foundAgain.note()).hasValueSatisfying(note ->
                    assertThat(note).startsWith(ApprovalsService.NO_LONGER_HELD_NOTE));
            assertThat(log.at(Level.WARNING)).as("one \"is held back\" WARN, the first paused round's")
                    .filteredOn(record -> MessageFormat.format(record.getMessage(), record.getParameters())
                            .contains("is held back"))
                    .hasSize(1);
            assertThat(platform.history.all()).as("no event per round").hasSize(eventsBefore);
            return foundAgain;
        }
    }

    @Test
    void aPausedInstanceLeavesTheNoteOfOneWithoutThePauseAsItIsAndWarnsNoMore() {
        heldThenTriedUnpausedThenFoundPausedAgain("ask-mixed-fleet");
    }

    /**
     * Given up past its run-by time by a paused instance while its note says "no longer held" (a mixed fleet): the
     * ordinary words, not the pause's. An instance without the pause had it to run and could not start it (the server
     * busy or VPS.org unavailable), so the pause alone did not keep it from running, and the give-up agrees with the note
     * the operator last read (ADR 0043, amended in session 54).
     */
    @Test
    void anApprovalGivenUpByAPausedInstanceAfterOneWithoutThePauseTriedItGivesTheOrdinaryReason() {
        RecoveryOperation approved = heldThenTriedUnpausedThenFoundPausedAgain("ask-mixed-fleet-given-up");

        platform.clock.advance(ApprovalsService.RUN_BY);
        wiredThrough(pausedAttempts()).approvals().settle();

        RecoveryOperation givenUp = platform.operations.find(approved.id()).orElseThrow();
        assertThat(givenUp.state()).isEqualTo(OperationState.REJECTED);
        assertThat(givenUp.note()).hasValueSatisfying(note ->
                assertThat(note).startsWith("approved, but it could not start by").doesNotContain("pause"));
    }

    /**
     * Held back by the pause past its run-by time, the approved run is given up, and its note and REJECTED event name
     * the pause (VPS.org never asked), not a busy server or VPS.org; the settle job's event made again from the stored
     * row is the same; the reason code stays the one the history knows (ADR 0043, amended in session 53).
     */
    @Test
    void anApprovalThePauseHeldPastItsRunByTimeIsGivenUpNamingThePause() {
        RecoveryOperation approved = approvedBeforeTheRestorePoint("ask-held-long").approved();
        ApprovalsService approvals = wiredThrough(pausedAttempts()).approvals();
        long callsBefore = mutatingCalls();
        platform.clock.advance(ApprovalsService.LEFT_TO_THE_APPROVER);
        approvals.settle();
        assertThat(platform.operations.find(approved.id()).orElseThrow().note()).hasValueSatisfying(note ->
                assertThat(note).startsWith(ApprovalsService.PAUSED_HOLD_NOTE));

        platform.clock.advance(ApprovalsService.RUN_BY);
        approvals.settle();

        RecoveryOperation givenUp = platform.operations.find(approved.id()).orElseThrow();
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

    /**
     * Held back by a paused instance, its note's words then changed (edited, translated, cut), and found again by the
     * paused instance: still held back, its note left as it is and no second WARN. Returns the approval as asked.
     */
    private ApprovedBeforeTheRestorePoint heldBackThenReworded(String requestId, ApprovalsService paused) {
        ApprovedBeforeTheRestorePoint asked = approvedBeforeTheRestorePoint(requestId);
        try (CapturedLogRecords log = CapturedLogRecords.of(ApprovalsService.class)) {
            platform.clock.advance(ApprovalsService.LEFT_TO_THE_APPROVER);
            paused.settle();
            RecoveryOperation held = platform.operations.find(asked.approved().id()).orElseThrow();
            assertThat(held.pauseHold()).isEqualTo(PauseHold.HELD_BACK);
            RecoveryOperation reworded = withNote(held, "retenu : la base de la plateforme a été restaurée");
            assertThat(platform.operations.update(held, reworded)).isTrue();

            platform.clock.advance(Duration.ofMinutes(2));
            paused.settle();

            RecoveryOperation stillHeld = platform.operations.find(held.id()).orElseThrow();
            assertThat(stillHeld.pauseHold()).isEqualTo(PauseHold.HELD_BACK);
            assertThat(stillHeld.note()).isEqualTo(reworded.note());
            assertThat(log.at(Level.WARNING)).as("one \"is held back\" WARN, the first paused round's")
                    .filteredOn(record -> MessageFormat.format(record.getMessage(), record.getParameters())
                            .contains("is held back"))
                    .hasSize(1);
        }
        return asked;
    }

    /**
     * The hold is the operation's field, not its note's words (ADR 0043, amended in session 55): held back by a paused
     * instance, its note's words then changed, the run is still held back (a paused instance neither writes the pause's
     * note again nor warns again) and the give-up while held still names the pause. Before, each was decided by the
     * note's start: the paused round wrote the pause's note back over the changed words and warned again.
     */
    @Test
    void anApprovalHeldBackWhoseNoteWordsChangedIsDecidedByItsHoldNotItsWords() {
        ApprovalsService paused = wiredThrough(pausedAttempts()).approvals();
        ApprovedBeforeTheRestorePoint asked = heldBackThenReworded("ask-held-words-changed", paused);

        platform.clock.advance(ApprovalsService.RUN_BY);
        paused.settle();

        RecoveryOperation givenUp = platform.operations.find(asked.approved().id()).orElseThrow();
        assertThat(givenUp.state()).isEqualTo(OperationState.REJECTED);
        assertThat(givenUp.pauseHold()).isEqualTo(PauseHold.GIVEN_UP_WHILE_HELD);
        assertThat(givenUp.note()).hasValueSatisfying(note -> assertThat(note).contains("pause"));
    }

    /**
     * Review of session 55: held back, its note's words changed, then tried by an instance without the pause while VPS.org
     * is down: no longer held, by its hold, whatever the words (ADR 0043, amended in session 55). Decided from the note's
     * start, the changed words would have kept it held back.
     */
    @Test
    void anApprovalHeldBackWhoseNoteWordsChangedIsStillSupersededByAServiceWithoutThePause() {
        ApprovalsService paused = wiredThrough(pausedAttempts()).approvals();
        ApprovedBeforeTheRestorePoint asked = heldBackThenReworded("ask-held-words-changed-unpaused", paused);

        platform.clock.advance(Duration.ofMinutes(2));
        platform.provider.failNextCallWith(new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE, "VPS.org is down"));
        asked.unpaused().approvals().settle();

        RecoveryOperation superseded = platform.operations.find(asked.approved().id()).orElseThrow();
        assertThat(superseded.state()).isEqualTo(OperationState.APPROVED);
        assertThat(superseded.pauseHold()).isEqualTo(PauseHold.NO_LONGER_HELD);
        assertThat(superseded.note()).hasValueSatisfying(note -> assertThat(note)
                .startsWith(ApprovalsService.NO_LONGER_HELD_NOTE).doesNotContain("pause"));
    }

    /** Words that merely look like the pause's hold nothing: an operation without the hold is no longer held by nothing. */
    @Test
    void aNoteThatStartsWithThePausesWordsWithoutTheHoldIsNotSupersededByAServiceWithoutThePause() {
        ApprovedBeforeTheRestorePoint asked = approvedBeforeTheRestorePoint("ask-words-without-hold");
        RecoveryOperation lookalike = withNote(asked.approved(), ApprovalsService.PAUSED_HOLD_NOTE + "(quoted by a person)");
        assertThat(platform.operations.update(asked.approved(), lookalike)).isTrue();

        platform.clock.advance(ApprovalsService.LEFT_TO_THE_APPROVER);
        platform.provider.failNextCallWith(new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE, "VPS.org is down"));
        asked.unpaused().approvals().settle();

        RecoveryOperation triedAgain = platform.operations.find(lookalike.id()).orElseThrow();
        assertThat(triedAgain.state()).isEqualTo(OperationState.APPROVED);
        assertThat(triedAgain.pauseHold()).isEqualTo(PauseHold.NONE);
        assertThat(triedAgain.note()).isEqualTo(lookalike.note());
    }

    /** {@code o} moved once, its note's words replaced and nothing else. */
    private static RecoveryOperation withNote(RecoveryOperation o, String words) {
        return new RecoveryOperation(o.id(), o.team(), o.requestId(), o.kind(), o.server(), o.resource(),
                o.resourceServer(), o.state(), o.acceptedAt(), o.updatedAt(), o.deadline(), Optional.of(words),
                o.nextCheckAt(), o.checks(), o.version() + 1, o.approval(), o.releasedBeforeVpsOrgWasAsked(),
                o.approvedRunAt(), o.pauseHold(), o.refusedOnRunFor());
    }
}
