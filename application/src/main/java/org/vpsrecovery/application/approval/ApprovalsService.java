package org.vpsrecovery.application.approval;

import java.time.Clock;
import java.text.MessageFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.attempt.ApprovedRunClaim;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.OwnStoreWrites;
import org.vpsrecovery.application.backup.DeleteBackupCommand;
import org.vpsrecovery.application.backup.DeleteBackupUseCase;
import org.vpsrecovery.application.backup.RestoreServerFromBackupCommand;
import org.vpsrecovery.application.backup.RestoreServerFromBackupUseCase;
import org.vpsrecovery.application.snapshot.DeleteSnapshotCommand;
import org.vpsrecovery.application.snapshot.DeleteSnapshotUseCase;
import org.vpsrecovery.application.snapshot.RestoreSnapshotCommand;
import org.vpsrecovery.application.snapshot.RestoreSnapshotUseCase;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.PauseHold;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown.StoredRequest.Kind;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.ServerBusy;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * The decision side of two-person approval (ADR 0040).
 *
 * <ul>
 *   <li>{@link #decide}: a person of the operation's team, not its requester, approves or denies. The
 *   decision is a versioned write over the pending operation, so of two deciders, or a decider and the
 *   expiry, one wins; the loser is told {@code APPROVAL_ALREADY_DECIDED} (or {@code APPROVAL_EXPIRED}); an operation
 *   that never waited is {@code APPROVAL_NOT_REQUIRED}. Every decision, and every refused one, is audited with its
 *   actor, after the request it decides: a request whose event is still owed has it written first, or nothing is
 *   decided ({@code PLATFORM_UNAVAILABLE}).</li>
 *   <li>An approved operation runs through the ordinary use case, as its approver's request: its
 *   policies again under the server's lock, against VPS.org's current state (a refusal ends it
 *   {@code rejected}, audited {@code REJECTED} with the policy's reason), then VPS.org, then the tracker
 *   follows it as any other.</li>
 *   <li>{@link #settle}, a job once across instances: expires what no one decided in time, and runs
 *   again an approved operation that a busy server or an unavailable VPS.org kept from starting, until
 *   its run-by time, after which it ends {@code rejected}.</li>
 * </ul>
 */
public final class ApprovalsService implements DecideApprovalUseCase {

    /** How long an approved operation may be kept from starting (the server busy, VPS.org down) before it is given up. */
    public static final Duration RUN_BY = Duration.ofMinutes(10);
    /**
     * How long the job leaves a fresh approval to the approver's own request, which runs it at once: the job
     * would otherwise check it a second time under the lock and write a refusal or a lost race of its own.
     */
    public static final Duration LEFT_TO_THE_APPROVER = Duration.ofMinutes(1);

    /**
     * How long a runner's claim keeps other runners off an approved operation: longer than a run takes to
     * reach VPS.org (the lock's wait and the provider's reads), short enough that a stopped runner is replaced.
     */
    public static final Duration RUN_CLAIM = Duration.ofMinutes(2);

    /**
     * How often a live runner renews its claim while it works: at half the claim, so a renewal late by up to that much
     * still lands before the claim runs out (ADR 0040, amended session 40).
     */
    public static final Duration RUN_CLAIM_RENEWAL = RUN_CLAIM.dividedBy(2);

    private static final System.Logger LOG = System.getLogger(ApprovalsService.class.getName());

    /** How long a step's own request has to write its event before the settle job writes it as owed. */
    public static final Duration OWED_EVENT_GRACE = ApprovalStepEvents.OWED_EVENT_GRACE;

    private final RecoveryOperations operations;
    private final AuditedAttempts attempts;
    private final AuditWriter writer;
    private final Clock clock;
    private final DeleteSnapshotUseCase deleteSnapshot;
    private final DeleteBackupUseCase deleteBackup;
    private final RestoreSnapshotUseCase restoreSnapshot;
    private final RestoreServerFromBackupUseCase restoreBackup;
    private final RunClaimRenewals renewals;

    /** A runner's claim renewed every {@link #RUN_CLAIM_RENEWAL} of real time while it runs. */
    public ApprovalsService(RecoveryOperations operations, AuditedAttempts attempts, AuditWriter writer, Clock clock,
                            DeleteSnapshotUseCase deleteSnapshot, DeleteBackupUseCase deleteBackup,
                            RestoreSnapshotUseCase restoreSnapshot, RestoreServerFromBackupUseCase restoreBackup) {
        this(operations, attempts, writer, clock, deleteSnapshot, deleteBackup, restoreSnapshot, restoreBackup,
                RunClaimRenewals.onAVirtualThread());
    }

    /** {@code renewals}: how a runner's claim is kept alive while it runs. */
    public ApprovalsService(RecoveryOperations operations, AuditedAttempts attempts, AuditWriter writer, Clock clock,
                            DeleteSnapshotUseCase deleteSnapshot, DeleteBackupUseCase deleteBackup,
                            RestoreSnapshotUseCase restoreSnapshot, RestoreServerFromBackupUseCase restoreBackup,
                            RunClaimRenewals renewals) {
        this.renewals = Objects.requireNonNull(renewals, "renewals");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deleteSnapshot = Objects.requireNonNull(deleteSnapshot, "delete snapshot");
        this.deleteBackup = Objects.requireNonNull(deleteBackup, "delete backup");
        this.restoreSnapshot = Objects.requireNonNull(restoreSnapshot, "restore snapshot");
        this.restoreBackup = Objects.requireNonNull(restoreBackup, "restore backup");
    }

    @Override
    public RecoveryOperation decide(DecideApprovalCommand command) {
        CallContext context = command.context();
        Operation step = command.verdict() == Verdict.APPROVE ? Operation.APPROVE_OPERATION : Operation.DENY_OPERATION;
        // Another team's operation is not found, exactly like a missing one.
        RecoveryOperation current = operations.find(command.operation())
                .filter(found -> found.team().equals(context.team()))
                .orElseThrow(() -> new ResourceNotFound(ReasonCode.OPERATION_NOT_FOUND,
                        "operation " + command.operation() + " not found"));
        if (current.approval().isEmpty()) {
            // Audited as every refused decision (ADR 0040, amended session 51), not taken for one decided already.
            throw refusedStep(step, current, context, new RecoveryDenied(ReasonCode.APPROVAL_NOT_REQUIRED,
                    "operation " + current.id() + " did not wait for approval"));
        }
        if (command.verdict() == Verdict.APPROVE && attempts.pausedAfterRestore() && current.kind().isVpsOrgChange()) {
            // An approval runs its change at once: refused as the change itself is while paused after a restore, the
            // operation left waiting for a decision after the restart (ADR 0040, amended in session 52). A denial,
            // which runs nothing, stays open.
            throw refusedStep(step, current, context, AuditedAttempts.pausedAfterRestoreRefusal(current.kind()));
        }
        RecoveryOperation asked = current;
        ApprovalStepEvents.writeOwedRequestFirst(writer, new ApprovalStepEvents.Owing(asked.id(),
                operations.owedApprovalSteps(asked.id()), owed -> ApprovalEvents.of(asked, owed),
                owed -> operations.approvalEventWritten(asked.id(), owed)), clock.instant());
        Instant now = stepInstant();
        if (current.awaitsApproval() && current.approval().get().isExpiredAt(now)) {
            current = expireBeforeDeciding(current).orElseGet(() -> operations.find(command.operation()).orElseThrow());
        }
        RecoveryOperation decided;
        try {
            decided = command.verdict() == Verdict.APPROVE
                    ? current.approve(context.actor(), now, command.reason(), RUN_BY)
                    : current.deny(context.actor(), now, command.reason());
        } catch (AccessDenied | RecoveryDenied refused) {
            throw refusedStep(step, current, context, refused);
        }
        ApprovalStep taken = new ApprovalStep(step, context.requestId());
        RecoveryOperation from = current;
        // The store's own "nothing was done" passes as it is (503: decide again). Any other failure may follow the
        // commit: the decision may be stored, its step's event owed in the same write. Nothing is written here, neither
        // that event nor a refusal, as nothing is known: a stored decision's event is written by the settle job, which
        // also runs a stored approval once it is left to it (ADR 0023, amended in session 45).
        boolean stored = OwnStoreWrites.committedOrInDoubt(() -> operations.update(from, decided, taken),
                inDoubt -> PlatformOutcomeUnknown.decision(new PlatformOutcomeUnknown.StoredDecision(
                        new PlatformOutcomeUnknown.StoredRequest(Kind.OPERATION, from.id()), command.verdict()), inDoubt));
        if (!stored) {
            RecoveryOperation moved = operations.find(current.id()).orElse(current);
            throw refusedStep(step, current, context, new RecoveryDenied(
                    moved.state() == OperationState.EXPIRED ? ReasonCode.APPROVAL_EXPIRED : ReasonCode.APPROVAL_ALREADY_DECIDED,
                    "operation " + current.id() + " was " + moved.state().wireName() + " first"));
        }
        ApprovalStepEvents.appendOrLeaveOwed(writer, ApprovalEvents.of(decided, taken));
        return command.verdict() == Verdict.APPROVE ? runNowOrLeaveToTheJob(decided) : decided;
    }

    /**
     * One round: expires the operations no one decided in time, and runs the approved ones still waiting
     * to start. Returns how many moved.
     */
    public int settle() {
        writeOwedEvents();
        int moved = 0;
        Instant now = clock.instant();
        // Due first, first: the oldest are reached however many wait (a pending one's next check is its expiry).
        for (RecoveryOperation pending : operations.dueIn(OperationState.PENDING_APPROVAL, now, RecoveryOperations.MAX_PAGE)) {
            if (pending.approval().orElseThrow().isExpiredAt(now) && expire(pending).isPresent()) {
                moved++;
            }
        }
        // Not listed while a runner's claim or the wait before the next try lasts.
        try {
            for (RecoveryOperation approved : operations.dueIn(OperationState.APPROVED, now, RecoveryOperations.MAX_PAGE)) {
                if (approved.isDue(now)) {
                    moved += giveUp(approved) ? 1 : 0;
                } else if (!approved.updatedAt().plus(LEFT_TO_THE_APPROVER).isAfter(now)
                        && run(approved, true).state() != OperationState.APPROVED) {
                    moved++;
                }
            }
        } catch (ClaimNotTaken | PlatformOutcomeUnknown | RefusalEndNotStored storeDown) {
            // The store failed (before a claim, under a refused run's end, or under a change of the run left in doubt,
            // which is never recorded as a refusal): the round ends here rather than let each
            // listed operation wait out the pool in turn (review of session 45); the next round takes them up.
            LOG.log(System.Logger.Level.WARNING, "the approved operations'' round stopped: {0}",
                    Objects.requireNonNullElse(storeDown.getCause(), storeDown).toString());
        }
        return moved;
    }

    /**
     * Writes the approval steps' events still owed (ADR 0040): a step is written to its operation, marked owed in
     * the same write, and audited just after; a crash in between, or a history that could not take the event, left
     * it owed. Only steps older than {@link #OWED_EVENT_GRACE} (their own request normally writes them first), each
     * written unless the history already has it, then no longer owed. Returns how many were written; stops at the
     * first the history cannot take (the next round goes on).
     */
    public int writeOwedEvents() {
        return ApprovalStepEvents.writeOwed(writer, clock.instant().minus(OWED_EVENT_GRACE),
                operations.owingApprovalEvents(RecoveryOperations.MAX_PAGE).stream()
                        .map(owing -> new ApprovalStepEvents.Owing(owing.operation().id(), owing.steps(),
                                step -> ApprovalEvents.of(owing.operation(), step),
                                step -> operations.approvalEventWritten(owing.operation().id(), step)))
                        .toList());
    }

    /**
     * The expiry a decider's request writes before its decision is refused {@code APPROVAL_EXPIRED}. A store failing under
     * it, whether or not the expiry committed, changes nothing of that answer: the approval's time has passed, so a
     * decision on the pending operation is refused all the same, never a 500 nor a 503 "decide again". The settle job
     * expires it, or writes the expiry's owed event if it was stored (ADR 0023, amended in session 46). Unless one read
     * finds it moved meanwhile (another decider's approval in time, committed after this request's read): then the
     * decision is refused from what was read, as when found decided. Empty: another request moved it first.
     */
    private Optional<RecoveryOperation> expireBeforeDeciding(RecoveryOperation pending) {
        try {
            return expire(pending);
        } catch (RuntimeException storeFailed) {
            LOG.log(System.Logger.Level.WARNING, "the expiry of operation {0} could not be written now: {1}; the "
                    + "settle-approvals job expires it", pending.id(), storeFailed.toString());
            return Optional.of(movedOrAsRead(pending));
        }
    }

    /** The operation as stored now if it no longer awaits approval; {@code pending} if it does or cannot be read. */
    private RecoveryOperation movedOrAsRead(RecoveryOperation pending) {
        try {
            return operations.find(pending.id()).filter(found -> !found.awaitsApproval()).orElse(pending);
        } catch (RuntimeException readFailed) {
            return pending;
        }
    }

    private Optional<RecoveryOperation> expire(RecoveryOperation pending) {
        Instant now = stepInstant();
        RecoveryOperation expired = pending.expire(now);
        ApprovalStep step = new ApprovalStep(Operation.EXPIRE_APPROVAL, expired.requestId());
        if (!operations.update(pending, expired, step)) {
            return Optional.empty();
        }
        ApprovalStepEvents.appendOrLeaveOwed(writer, ApprovalEvents.of(expired, step));
        return Optional.of(expired);
    }

    /**
     * Runs an approved operation through its ordinary use case, as its approver's request. The answer is
     * the operation as stored afterwards: moved on (accepted and beyond, or awaiting its safety snapshot),
     * {@code rejected} when its policies refused it now, or still {@code approved} when the server's lock or
     * VPS.org kept it from starting (the next round tries again).
     */
    /**
     * The approver's request runs what it approved at once. Its store failing before anything was asked of VPS.org
     * leaves it approved, as when a busy server keeps it from starting: never 503 "decide again" (the decision is made)
     * nor a 500. A claim whose answer was lost after its commit only delays the job's run until the claim passes (ADR
     * 0023, amended in session 45).
     */
    private RecoveryOperation runNowOrLeaveToTheJob(RecoveryOperation decided) {
        try {
            return run(decided, false);
        } catch (ClaimNotTaken storeDown) {
            LOG.log(System.Logger.Level.WARNING, "approved operation {0} could not be claimed to run now: {1}; the "
                    + "settle-approvals job runs it", decided.id(), storeDown.getCause().toString());
            return decided;
        } catch (RefusalEndNotStored refusedNow) {
            // Refused, and answered so as any refusal at run time: the operation rejected for its reason, as the record
            // holds it whatever the store kept of its end (ADR 0040, amended in session 47).
            return refusedNow.end;
        }
    }

    /**
     * The run was refused by a policy, its attempt recorded the refusal ({@code REJECTED}, written or kept to be), but the
     * store failed under its end's write: the approver is answered {@code end}, the operation rejected as it was to be
     * stored, and the settle job ends the operation as recorded ({@link #endedAsRecorded}).
     */
    private static final class RefusalEndNotStored extends RuntimeException {
        private final RecoveryOperation end;

        RefusalEndNotStored(RecoveryOperation end, RecoveryException refusal) {
            super(refusal.getMessage(), refusal, false, false);
            this.end = end;
        }
    }

    /** The store failed before a run's claim was taken: nothing was asked of VPS.org. */
    private static final class ClaimNotTaken extends RuntimeException {
        ClaimNotTaken(RuntimeException cause) {
            super(cause);
        }
    }

    /**
     * Throws {@link ClaimNotTaken} when the store fails before the claim is taken: the settle round then ends, as it did
     * before session 45 (each of up to a page of operations would otherwise wait out the pool in turn), and the
     * approver's request answers approved ({@link #runNowOrLeaveToTheJob}). Throws {@link PlatformOutcomeUnknown} when the
     * run met a change in doubt: nothing is written for it, never a refusal. Throws {@link RefusalEndNotStored} when its
     * attempt recorded a refusal whose end the store did not take: the approver is answered that end. Throws
     * {@link ProviderFailure} {@code OUTCOME_UNKNOWN}, naming the operation, to the approver (never to the job, whose round
     * goes on) when the run started and then met a failure of no domain type ({@link #startedThenFailed}). {@code byTheJob}:
     * the settle job's run, which first ends as recorded a run refused so earlier ({@link #endedAsRecorded}).
     */
    private RecoveryOperation run(RecoveryOperation listed, boolean byTheJob) {
        // As stored now: another instance's round, or the approver's request, may have run it since it was listed.
        RecoveryOperation stored;
        RecoveryOperation approved;
        try {
            stored = operations.find(listed.id()).orElse(listed);
            Instant claimedAt = clock.instant();
            if (stored.state() != OperationState.APPROVED || stored.nextCheckAt().isAfter(claimedAt)) {
                return stored;
            }
            // Claimed before anything is written: of two runners that both read it approved, the loser writes nothing.
            approved = stored.claimedToRun(claimedAt, RUN_CLAIM);
            if (!operations.update(stored, approved)) {
                return operations.find(listed.id()).orElse(stored);
            }
        } catch (RuntimeException storeDown) {
            throw new ClaimNotTaken(storeDown);
        }
        // From here this runner moves it only through its claim: once the claim is taken, nothing it does is written.
        ApprovedRunClaim claim = new ApprovedRunClaim(operations, approved);
        if (byTheJob) {
            Optional<RecoveryOperation> ended = endedAsRecorded(claim);
            if (ended.isPresent()) {
                return ended.get();
            }
        }
        Actor approver = approved.approval().orElseThrow().decision().orElseThrow().by();
        CallContext context = new CallContext(approved.team(), approved.requestId(), approved.id(), approver);
        // Renewed while it runs, so a slow but live run keeps it; stopped before this runner's last move below.
        try (RunClaimRenewals.Renewing renewing = renewals.every(RUN_CLAIM_RENEWAL, () -> renew(claim))) {
            attempts.asApproved(claim, () -> {
                call(approved, context);
                return approved;
            });
        } catch (ServerBusy | PlatformUnavailable | ProviderFailure | AuditedAttempts.CheckFailed notNow) {
            // Not now: still approved (nothing recorded for it) if it never got as far as VPS.org, and tried again
            // later while the claim is still this runner's; otherwise the attempt moved it and recorded what came of it.
            // A check that failed (something it had to do first did not happen) is no refusal: no rule refused the run,
            // so it is never ended rejected for it (ADR 0040, amended in session 47).
            if (notNow instanceof PlatformUnavailable paused && paused.reason() == ReasonCode.PAUSED_AFTER_RESTORE) {
                heldByThePause(claim);
            } else {
                triedAgainLater(claim);
            }
        } catch (PlatformOutcomeUnknown inDoubt) {
            // Never a refusal: what the run did is not known, so no end is written over the claim (a REJECTED would be
            // a final outcome the platform does not know). The approver is told (504); the claim runs out and the job
            // looks again: still approved, the run never started (its start is a versioned move out of approved, made
            // before its intent and VPS.org), so it runs it; moved on, its attempt's record and the tracker settle it
            // (ADR 0040, amended in session 46).
            LOG.log(System.Logger.Level.WARNING, "approved operation {0} ran into a change in doubt: {1}; nothing is "
                    + "recorded for it, the settle-approvals job looks again once its claim passed", approved.id(),
                    inDoubt.getMessage());
            throw inDoubt;
        } catch (RecoveryException refused) {
            Optional<RecoveryOperation> owedEnd = claim.owedEnd();
            if (owedEnd.isPresent()) {
                throw new RefusalEndNotStored(owedEnd.get(), refused);
            }
            // The attempt ended it rejected over this runner's claim and audited the refusal (REJECTED, with the
            // policy's reason), or, the claim taken by another runner meanwhile (this run's start or end lost to it),
            // wrote nothing: the claim holder runs it. A refusal the attempt did not record ends it here, over the claim,
            // its REJECTED marked owed in the same write, so a stop or a history outage before the append cannot lose it.
            Instant at = stepInstant();
            ApprovalStep step = new ApprovalStep(approved.kind(), approved.requestId());
            Optional<RecoveryOperation> ended;
            try {
                ended = claim.move(held -> held.rejectedOnRun(at, refused.reason(), refused.getMessage()), step);
            } catch (RuntimeException storeFailed) {
                // Refused, and nothing asked of VPS.org; whether its end is stored is not known: stored, its REJECTED
                // was marked owed in the same write and the job writes it; not, the claim runs out and the job runs
                // it again. Neither a 500 nor a final "rejected" the record may not hold (ADR 0023, amended in
                // session 46).
                LOG.log(System.Logger.Level.WARNING, "approved operation {0} was refused when it came to run ({1}), "
                        + "but its end could not be recorded now: {2}; the settle-approvals job records it",
                        approved.id(), refused.reason(), storeFailed.toString());
                throw PlatformOutcomeUnknown.changeEnd(new PlatformOutcomeUnknown.ChangeEnd(
                        new PlatformOutcomeUnknown.StoredRequest(Kind.OPERATION, approved.id()), false), storeFailed);
            }
            ended.ifPresent(end -> ApprovalStepEvents.appendOrLeaveOwed(writer, ApprovalEvents.of(end, step)));
        } catch (RuntimeException untyped) {
            if (claim.operation().state() != OperationState.APPROVED) {
                startedThenFailed(claim.operation(), untyped, byTheJob);
                return operationAsStoredAfter(claim);
            }
            // Not started (the start is a move over the claim, before the intent and VPS.org): a failure of no domain
            // type before the check (the point's look-up, the team's servers, the server's lock) is no refusal and
            // nothing was asked of VPS.org. So it is not now, as for the check's own (AuditedAttempts): still approved,
            // nothing recorded, neither the approver's 500 nor the job's round thrown (ADR 0040, amended in session 47).
            LOG.log(System.Logger.Level.WARNING, "approved operation {0} ({1}) could not be run now: {2}; nothing was "
                    + "asked of VPS.org, it is tried again", approved.id(), approved.kind(), untyped.toString());
            triedAgainLater(claim);
        } finally {
            claim.release();
        }
        return operationAsStoredAfter(claim);
    }

    /**
     * Run: VPS.org may have been asked. A store failing under this last read is answered the operation as this runner's
     * claim last stored it, never a 503 "try again" (the decision is made; a retry is refused) nor a 500 (ADR 0023,
     * amended in session 46).
     */
    private RecoveryOperation operationAsStoredAfter(ApprovedRunClaim claim) {
        try {
            return operations.find(claim.id()).orElse(claim.operation());
        } catch (RuntimeException storeDown) {
            LOG.log(System.Logger.Level.WARNING, "approved operation {0} ran, but could not be read back now: {1}",
                    claim.id(), storeDown.toString());
            return claim.operation();
        }
    }

    /**
     * A failure of no domain type out of a run that had started ({@code started}: its claim moved out of approved, made
     * before its intent and VPS.org's call): VPS.org may have acted. Its attempt recorded what is known (a call that ended
     * so is {@code UNRESOLVED}, the operation left for the tracker, ADR 0010 and 0142; a failure after VPS.org's answer
     * left its recorded end as it was), and nothing more is written here: neither {@code FAILED} nor a refusal, which
     * would be a final outcome the platform does not know. Logged at ERROR naming the operation, with the failure's stack. The approver is told
     * {@code 504 OUTCOME_UNKNOWN} naming the operation, as a direct request whose answer VPS.org lost is, never a 500;
     * the job's round goes on to the other operations (the run is no longer approved, so no round takes it up again)
     * (ADR 0040, amended in session 48).
     */
    private static void startedThenFailed(RecoveryOperation started, RuntimeException untyped, boolean byTheJob) {
        // At ERROR with its stack: a failure of no domain type is what a bug throws (System.Logger takes no parameters
        // with a throwable, so the text is formatted first).
        LOG.log(System.Logger.Level.ERROR, MessageFormat.format("approved operation {0} ({1}) started its run, then met "
                + "a failure of no domain type: {2}; VPS.org may have acted, what is known is on its record (the tracker "
                + "follows it)", started.id(), started.kind(), untyped.toString()), untyped);
        if (!byTheJob) {
            throw ProviderFailure.platformFailedAfterTheStart("approved operation " + started.id()
                    + "'s run started, then ended in a failure the platform did not expect, so VPS.org may have acted; "
                    + "follow the operation (its audit history says what is known), never decide again", untyped)
                    .ofOperation(started.id());
        }
    }

    /**
     * An approved run held back while the instance is paused after a database restore (approved before the restore
     * point): tried again later as any "not now", and its note says why and until when it may still run, written the
     * first time only (the hold is stored, so once across instances and restarts), with one WARN then. Without it the
     * operation sat approved with no word of why until its run-by time gave it up (ADR 0043, amended in session 53).
     * A run no longer held ({@link PauseHold#NO_LONGER_HELD}, written by an instance without the pause) is left as it is,
     * as one already held back is: in the rolling restart out of the pause the fleet is mixed, and a paused instance
     * holding it back again (and warning again) would flip it with each round of either (ADR 0043, amended in session 54).
     * Decided from the operation's hold, never from its note's words (session 55).
     */
    private void heldByThePause(ApprovedRunClaim claim) {
        RecoveryOperation approved = claim.operation();
        if (approved.pauseHold() != PauseHold.NONE) {
            triedAgainLater(claim);
            return;
        }
        try {
            Optional<RecoveryOperation> held = claim.move(found ->
                    found.heldBackByThePause(clock.instant(), Duration.ofSeconds(5), Duration.ofMinutes(1)));
            held.ifPresent(moved -> LOG.log(System.Logger.Level.WARNING, "approved operation {0} ({1}) is held back: {2}",
                    approved.id(), approved.kind(), moved.note().orElseThrow()));
        } catch (RuntimeException storeDown) {
            // The claim's lease runs out, and the job tries it again.
        }
    }

    /** The start of an approved run's note while it is held back by the pause after a database restore: words only. */
    public static final String PAUSED_HOLD_NOTE = PauseHold.HELD_BACK.noteStart();

    /**
     * The start of an approved run's note once a service without the pause found it held back by the pause (the run kept
     * from starting for the ordinary reasons now): words only (ADR 0043, amended in sessions 54 and 55).
     */
    public static final String NO_LONGER_HELD_NOTE = PauseHold.NO_LONGER_HELD.noteStart();

    /**
     * Still approved: its next try backed off over this runner's claim; a store failing here lets the claim run out. A
     * service without the pause moves a run the pause held back to no longer held: its note said the pause held it, a
     * restart without the pause notwithstanding, until the run started or was given up (ADR 0043, amended in sessions 54
     * and 55).
     */
    private void triedAgainLater(ApprovedRunClaim claim) {
        Instant now = clock.instant();
        try {
            claim.move(held -> !attempts.pausedAfterRestore() && held.pauseHold() == PauseHold.HELD_BACK
                    ? held.noLongerHeldBack(now, Duration.ofSeconds(5), Duration.ofMinutes(1))
                    : held.unchanged(now, Duration.ofSeconds(5), Duration.ofMinutes(1)));
        } catch (RuntimeException storeDown) {
            // The claim's lease runs out, and the job tries it again.
        }
    }

    /**
     * A run refused earlier whose end its runner could not store ({@link RefusalEndNotStored}): its {@code REJECTED} is on
     * record, so the operation is ended {@code rejected} over {@code claim} as recorded ({@link #refusedAsRecorded}),
     * never run again (the approver was answered it rejected). Empty when no refusal of this run is on record. A store or
     * a history that fails here leaves the claim to run out: the next round looks again (ADR 0040, amended in session 47).
     */
    private Optional<RecoveryOperation> endedAsRecorded(ApprovedRunClaim claim) {
        RecoveryOperation approved = claim.operation();
        try {
            Optional<AuditEvent> refusal = recordedRefusal(approved);
            if (refusal.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(claim.move(held -> refusedAsRecorded(held, refusal.get()))
                    .orElseGet(() -> operations.find(approved.id()).orElse(approved)));
        } catch (RuntimeException storeDown) {
            LOG.log(System.Logger.Level.WARNING, "approved operation {0}: whether a refusal of its run is on record could "
                    + "not be read, or its end stored, now: {1}; the next round looks again", approved.id(),
                    storeDown.toString());
            claim.release();
            return Optional.of(approved);
        }
    }

    /**
     * The {@code REJECTED} of {@code approved}'s run the history holds: of its request and kind, naming it
     * ({@code approval_of}). Only its approved run writes one (the attempt's refusal, this service's end of it, its giving
     * up), and an operation is approved once, so that is enough: no instant is compared with its decision's, as the
     * two come from the runner's clock and the decider's (ADR 0040, amended in session 48). Throws when the history
     * cannot be read.
     */
    private Optional<AuditEvent> recordedRefusal(RecoveryOperation approved) {
        return writer.recorded(approved.requestId(), approved.kind()).stream()
                .filter(event -> event.outcome() instanceof Outcome.Rejected
                        && approved.id().toString().equals(event.detail().get(AuditEvent.APPROVAL_OF)))
                .findFirst();
    }

    /**
     * {@code approved} ended {@code rejected} as {@code refusal} recorded it: at that event's instant, for its reason and
     * message. Stored with no event written or marked owed: one is on record.
     */
    private static RecoveryOperation refusedAsRecorded(RecoveryOperation approved, AuditEvent refusal) {
        ReasonCode reason = ((Outcome.Rejected) refusal.outcome()).reason();
        String why = Objects.requireNonNullElse(refusal.detail().get(AuditEvent.MESSAGE), "refused");
        LOG.log(System.Logger.Level.INFO, "approved operation {0} was refused ({1}) at {2}, on record; its end is "
                + "stored now", approved.id(), reason, refusal.occurredAt());
        return approved.rejectedOnRun(refusal.occurredAt(), reason, why);
    }

    /**
     * Renews a live runner's claim for another {@link #RUN_CLAIM} from now, over the version it holds; nothing once the
     * run moved it on or another runner took it. Bounded: never from its run-by time on, after which a run that has not
     * started is given up (ADR 0040, amended session 40). A store that fails is logged: the claim lasts until its time,
     * and the next renewal tries again.
     */
    private void renew(ApprovedRunClaim claim) {
        Instant now = clock.instant();
        if (!now.isBefore(claim.operation().deadline())) {
            return;
        }
        try {
            claim.move(held -> held.claimedToRun(now, RUN_CLAIM));
        } catch (RuntimeException storeDown) {
            LOG.log(System.Logger.Level.WARNING, "the claim on approved operation {0} could not be renewed now: {1}",
                    claim.id(), storeDown.toString());
        }
    }

    /**
     * Ends {@code approved}, its run-by time passed, {@code rejected}. A run refused before whose end was lost
     * ({@link RefusalEndNotStored}) is ended as its refusal is recorded, with no second event; only a run of which nothing
     * is on record is given up as "could not start", its {@code REJECTED} owed in the same write. A history that cannot be
     * read leaves it approved, never run (its time has passed), for the next round (ADR 0040, amended in session 47).
     */
    private boolean giveUp(RecoveryOperation approved) {
        Optional<AuditEvent> refusal;
        try {
            refusal = recordedRefusal(approved);
        } catch (RuntimeException historyDown) {
            LOG.log(System.Logger.Level.WARNING, "approved operation {0} is past its run-by time, but whether a refusal "
                    + "of its run is on record could not be read now: {1}; the next round looks again", approved.id(),
                    historyDown.toString());
            return false;
        }
        if (refusal.isPresent()) {
            return operations.update(approved, refusedAsRecorded(approved, refusal.get()));
        }
        // Given up while held only while paused and still held back: a service restarted without it gives up for the
        // ordinary reasons (own-merge review of session 53), as does one after a service without the pause tried it
        // (session 54); the stored hold is what the event is made from again (session 55).
        RecoveryOperation rejected = attempts.pausedAfterRestore() && approved.pauseHold() == PauseHold.HELD_BACK
                ? approved.givenUpWhileHeldBack(stepInstant(), ApprovalEvents.gaveUp(approved))
                : approved.rejectedOnRun(stepInstant(), ApprovalEvents.gaveUpForTheOrdinaryReasons(approved));
        ApprovalStep step = new ApprovalStep(approved.kind(), approved.requestId());
        if (!operations.update(approved, rejected, step)) {
            return false;
        }
        ApprovalStepEvents.appendOrLeaveOwed(writer, ApprovalEvents.of(rejected, step));
        return true;
    }

    /**
     * A step's instant, to the microsecond as the history and the operation's row keep it: its event, made now from
     * the operation in memory, and the settle job's, made later from the row, are then the same event (one write).
     */
    private Instant stepInstant() {
        return AuditChain.storedInstant(clock.instant());
    }

    private void call(RecoveryOperation approved, CallContext context) {
        long point = approved.resource().orElseThrow().id();
        boolean skip = approved.approval().orElseThrow().skipSafetySnapshot();
        switch (approved.kind()) {
            case DELETE_SNAPSHOT -> deleteSnapshot.deleteSnapshot(new DeleteSnapshotCommand(context, new SnapshotId(point)));
            case DELETE_BACKUP -> deleteBackup.deleteBackup(new DeleteBackupCommand(context, new BackupId(point)));
            case RESTORE_SNAPSHOT -> restoreSnapshot.requestRestore(new RestoreSnapshotCommand(context, new SnapshotId(point), skip));
            case RESTORE_SERVER_FROM_BACKUP -> restoreBackup.requestRestore(new RestoreServerFromBackupCommand(context,
                    approved.server(), new BackupId(point), skip));
            default -> throw new IllegalStateException(approved.kind() + " is never approved");
        }
    }

    private RecoveryException refusedStep(Operation step, RecoveryOperation about, CallContext context,
                                          RecoveryException refused) {
        writer.appendOrDefer(ApprovalEvents.step(step, about, context.actor(), context.requestId(),
                new Outcome.Rejected(refused.reason()), clock.instant(), Optional.empty(), refused.getMessage()));
        return refused;
    }
}
