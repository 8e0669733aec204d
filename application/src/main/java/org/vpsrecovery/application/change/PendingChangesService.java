package org.vpsrecovery.application.change;

import java.text.MessageFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.vpsrecovery.application.approval.ApprovalSettings;
import org.vpsrecovery.application.approval.ApprovalStepEvents;
import org.vpsrecovery.application.approval.ApprovalsService;
import org.vpsrecovery.application.approval.DecideApprovalCommand;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.OwnStoreWrites;
import org.vpsrecovery.application.hold.HoldCaller;
import org.vpsrecovery.application.hold.RecoveryPointHoldService;
import org.vpsrecovery.application.hold.ReleaseHoldCommand;
import org.vpsrecovery.application.policy.ManagePoliciesService;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.port.PendingChanges;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.ServerBusy;

/**
 * Two-person approval of the platform's own changes (ADR 0043): a hold's release, a policy's create, update or
 * delete, when the team's configuration names {@code hold-release} or {@code policy-change}.
 *
 * <ul>
 *   <li>The request is checked now exactly as the change itself checks it (a refusal is refused now and audited
 *   as the change's), then stored {@code pending_approval} with what it will do ({@link PendingChange}) and
 *   audited {@code REQUEST_APPROVAL}. Nothing changes meanwhile: the hold stays in force, the policy as it was.</li>
 *   <li>{@link #decide}: the rules of ADR 0040 ({@link Approval#decide}); a versioned write, so of two deciders, or
 *   a decider and the expiry, one wins. Approved, the change is applied at once through the ordinary service as the
 *   approver's, its events naming the requester ({@code requested_by}); checked again then: an update or delete
 *   only over the policy version it was asked against, so a policy moved meanwhile ends it {@code rejected}
 *   ({@code POLICY_VERSION_CONFLICT}), never overwritten.</li>
 *   <li>{@link #settle}: expires what no one decided in time, and applies an approved change whose approver's
 *   request stopped before applying it (after its claim passed). One whose tries meet a failure of no domain type
 *   (a bug) is given up {@code rejected} past its {@link #APPLY_BY} time, unless a try of it may be in force: then it
 *   stays approved, and past {@link #TRIED_EVERY_CLAIM_FOR} is noted and tried every {@link #STALLED_RECHECK}.</li>
 * </ul>
 * The platform's own work never waits: the gate applies to people and service tokens only.
 */
public final class PendingChangesService {

    private static final System.Logger LOG = System.getLogger(PendingChangesService.class.getName());

    /** How long the approver's request, or a job round, keeps others off an approved change it applies. */
    public static final Duration CLAIM = ApprovalsService.RUN_CLAIM;

    /**
     * How long after its approval a change is tried before a try that meets a failure of no domain type gives it up, as
     * an approved operation's run-by time: such a failure is what a bug throws, and it would otherwise be tried every
     * {@link #CLAIM} for ever (ADR 0043, amended in session 48).
     */
    public static final Duration APPLY_BY = ApprovalsService.RUN_BY;

    /**
     * How long after its approval a change a try of which may be in force is tried every {@link #CLAIM} while its tries
     * meet a failure of no domain type; after that it is tried every {@link #STALLED_RECHECK}, its note saying why, and
     * is never given up: what it did is not known (ADR 0043, amended in session 49).
     */
    public static final Duration TRIED_EVERY_CLAIM_FOR = Duration.ofHours(1);

    /** How often such a change is tried after {@link #TRIED_EVERY_CLAIM_FOR}: a fix deployed meanwhile completes it. */
    public static final Duration STALLED_RECHECK = Duration.ofHours(1);

    private final ApprovalSettings settings;
    private final PendingChanges changes;
    private final RecoveryPointHoldService holds;
    private final ManagePoliciesService policies;
    private final AuditWriter writer;
    private final Clock clock;

    public PendingChangesService(ApprovalSettings settings, PendingChanges changes, RecoveryPointHoldService holds,
                                 ManagePoliciesService policies, AuditWriter writer, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.holds = Objects.requireNonNull(holds, "holds");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A team's release of its hold waits when the team says {@code hold-release}; an auditor's never does. */
    public Gated<RecoveryPointHold> releaseHold(ReleaseHoldCommand command) {
        HoldCaller caller = command.caller();
        if (!(caller.actor() instanceof HoldActor.Team team)
                || timeLimit(team.team(), caller.identity(), Operation.RELEASE_RECOVERY_POINT_HOLD).isEmpty()) {
            return new Gated.Done<>(holds.releaseHold(command));
        }
        requirePersonAsking(team.team(), caller.identity(), caller.requestId(), Operation.RELEASE_RECOVERY_POINT_HOLD);
        RecoveryPointHold hold = holds.requireReleasable(command);
        return new Gated.Waiting<>(store(PendingChange.holdRelease(caller.operationId(), team.team(), caller.requestId(),
                hold.id(), hold.point(), hold.server(), approval(team.team(), caller.identity(),
                        Operation.RELEASE_RECOVERY_POINT_HOLD))));
    }

    public Gated<RecoveryPolicy> createPolicy(CallContext context, PolicySpec spec) {
        if (timeLimit(context.team(), context.actor(), Operation.CREATE_POLICY).isEmpty()) {
            return new Gated.Done<>(policies.create(context, spec));
        }
        requirePersonAsking(context, Operation.CREATE_POLICY);
        policies.requireCreatable(context, spec);
        return new Gated.Waiting<>(store(PendingChange.policyCreate(context.operationId(), context.team(),
                context.requestId(), PolicyId.random(), spec, approval(context, Operation.CREATE_POLICY))));
    }

    public Gated<RecoveryPolicy> updatePolicy(CallContext context, PolicyId id, OptionalLong expectedVersion,
                                              PolicySpec spec) {
        if (timeLimit(context.team(), context.actor(), Operation.UPDATE_POLICY).isEmpty()) {
            return new Gated.Done<>(policies.update(context, id, expectedVersion, spec));
        }
        requirePersonAsking(context, Operation.UPDATE_POLICY);
        RecoveryPolicy current = policies.requireUpdatable(context, id, expectedVersion, spec);
        return new Gated.Waiting<>(store(PendingChange.policyUpdate(context.operationId(), context.team(),
                context.requestId(), id, current.version(), spec, approval(context, Operation.UPDATE_POLICY))));
    }

    /** Done: the deleted policy's id. Without If-Match, the version read now is the one the delete will remove. */
    public Gated<PolicyId> deletePolicy(CallContext context, PolicyId id, OptionalLong expectedVersion) {
        if (timeLimit(context.team(), context.actor(), Operation.DELETE_POLICY).isEmpty()) {
            policies.delete(context, id, expectedVersion);
            return new Gated.Done<>(id);
        }
        requirePersonAsking(context, Operation.DELETE_POLICY);
        RecoveryPolicy current = policies.requireDeletable(context, id, expectedVersion);
        return new Gated.Waiting<>(store(PendingChange.policyDelete(context.operationId(), context.team(),
                context.requestId(), id, current.version(), approval(context, Operation.DELETE_POLICY))));
    }

    /** The team's change with this id; another team's is not found, as a missing one. */
    public Optional<PendingChange> find(TeamId team, OperationId id) {
        return changes.find(id).filter(change -> change.team().equals(team));
    }

    /**
     * A page of the team's changes, newest asked first; {@code next} is the last one's id when more follow. Its cursor is
     * found among the team's own changes (never deleted, so one a page gave is always found): another team's id, or one
     * no change has, is 404 {@code OPERATION_NOT_FOUND}, as the change itself is.
     */
    public KeysetPage<PendingChange, OperationId> list(ListChangesQuery query) {
        Optional<PendingChange> from = query.after().map(id -> find(query.team(), id).orElseThrow(() -> new ResourceNotFound(
                ReasonCode.OPERATION_NOT_FOUND, "change " + id + " (after) is no change of this team's: list again from "
                        + "the start")));
        // One more than shown says whether another page follows (KeysetPage); read in the store's pages, so a limit of
        // MAX_PAGE reads MAX_PAGE, then the one more after the last of them.
        List<PendingChange> read = new ArrayList<>();
        while (read.size() <= query.limit()) {
            int asked = Math.min(query.limit() + 1 - read.size(), PendingChanges.MAX_PAGE);
            List<PendingChange> more = changes.newestFirst(query.team(), query.state(), query.kind(), from, asked);
            read.addAll(more);
            if (more.size() < asked) {
                break;
            }
            from = Optional.of(more.getLast());
        }
        return KeysetPage.of(read, query.limit(), PendingChange::id);
    }

    /** A second person of the team approves or denies the change; approved, it is applied at once. */
    public PendingChange decide(DecideApprovalCommand command) {
        CallContext context = command.context();
        Operation step = command.verdict() == Verdict.APPROVE ? Operation.APPROVE_OPERATION : Operation.DENY_OPERATION;
        PendingChange current = find(context.team(), command.operation()).orElseThrow(() -> new ResourceNotFound(
                ReasonCode.OPERATION_NOT_FOUND, "operation " + command.operation() + " not found"));
        // Its request on record first, or nothing is decided (as for operations, ADR 0040/0043, amended session 51).
        PendingChange asked = current;
        ApprovalStepEvents.writeOwedRequestFirst(writer, new ApprovalStepEvents.Owing(asked.id(),
                changes.owedApprovalSteps(asked.id()), owed -> ChangeEvents.of(asked, owed),
                owed -> changes.approvalEventWritten(asked.id(), owed)), clock.instant());
        Instant now = now();
        if (current.state() == OperationState.PENDING_APPROVAL && current.approval().isExpiredAt(now)) {
            current = expireBeforeDeciding(current).orElseGet(() -> changes.find(command.operation()).orElseThrow());
        }
        PendingChange decided;
        try {
            decided = command.verdict() == Verdict.APPROVE
                    ? current.approve(context.actor(), now, command.reason(), CLAIM)
                    : current.deny(context.actor(), now, command.reason());
        } catch (AccessDenied | RecoveryDenied refused) {
            throw refusedStep(step, current, context, refused);
        }
        ApprovalStep taken = new ApprovalStep(step, context.requestId());
        PendingChange from = current;
        // As for an operation's decision: the store's own "nothing was done" passes (decide again); any other failure may
        // follow the commit, so the change may be decided (an approval with its claim), its step's event owed in the
        // same write. Nothing is written here: the settle job writes the event and applies a stored approval once its
        // claim passed (ADR 0023, amended in session 45).
        boolean stored = OwnStoreWrites.committedOrInDoubt(() -> changes.update(from, decided, taken),
                inDoubt -> PlatformOutcomeUnknown.decision(new PlatformOutcomeUnknown.StoredDecision(
                        new PlatformOutcomeUnknown.StoredRequest(PlatformOutcomeUnknown.StoredRequest.Kind.CHANGE,
                                from.id()), command.verdict()), inDoubt));
        if (!stored) {
            PendingChange moved = changes.find(current.id()).orElse(current);
            throw refusedStep(step, current, context, new RecoveryDenied(
                    moved.state() == OperationState.EXPIRED ? ReasonCode.APPROVAL_EXPIRED : ReasonCode.APPROVAL_ALREADY_DECIDED,
                    "change " + current.id() + " was " + moved.state().wireName() + " first"));
        }
        ApprovalStepEvents.appendOrLeaveOwed(writer, ChangeEvents.of(decided, taken));
        return command.verdict() == Verdict.APPROVE ? apply(decided, false) : decided;
    }

    /** One round: expires what no one decided in time, applies what an approver's request left approved. Returns how many moved. */
    public int settle() {
        writeOwedEvents();
        int moved = 0;
        Instant now = now();
        for (PendingChange pending : changes.dueIn(OperationState.PENDING_APPROVAL, now, PendingChanges.MAX_PAGE)) {
            if (pending.approval().isExpiredAt(now) && expire(pending).isPresent()) {
                moved++;
            }
        }
        for (PendingChange approved : changes.dueIn(OperationState.APPROVED, now, PendingChanges.MAX_PAGE)) {
            // A change that cannot be applied now (its check failing, typed or not) stays approved and the round goes on
            // to the next; only the store failing under this claim's write or under a change's end ends the round.
            PendingChange claimed = approved.claimedToApply(now, CLAIM);
            if (changes.update(approved, claimed) && apply(claimed, true).isFinal()) {
                moved++;
            }
        }
        return moved;
    }

    /**
     * Writes the approval steps' events still owed (as {@link ApprovalsService#writeOwedEvents} does for operations):
     * a step is written to its change, marked owed in the same write, and audited just after; a crash in between, or
     * a history that could not take the event, left it owed. Returns how many were written.
     */
    public int writeOwedEvents() {
        return ApprovalStepEvents.writeOwed(writer, clock.instant().minus(ApprovalStepEvents.OWED_EVENT_GRACE),
                changes.owingApprovalEvents(PendingChanges.MAX_PAGE).stream()
                        .map(owing -> new ApprovalStepEvents.Owing(owing.change().id(), owing.steps(),
                                step -> ChangeEvents.of(owing.change(), step),
                                step -> changes.approvalEventWritten(owing.change().id(), step)))
                        .toList());
    }

    /**
     * As {@link ApprovalsService}'s: a store failing under the expiry a decider's request writes first leaves the decision
     * refused {@code APPROVAL_EXPIRED} all the same (its time has passed); the settle job expires it, or writes the owed
     * event of an expiry that was stored (ADR 0023, amended in session 46); unless one read finds it moved meanwhile (an
     * approval in time): then refused from what was read, as when found decided. Empty: another request moved it first.
     */
    private Optional<PendingChange> expireBeforeDeciding(PendingChange pending) {
        try {
            return expire(pending);
        } catch (RuntimeException storeFailed) {
            LOG.log(System.Logger.Level.WARNING, "the expiry of change {0} could not be written now: {1}; the "
                    + "settle-approvals job expires it", pending.id(), storeFailed.toString());
            return Optional.of(movedOrAsRead(pending));
        }
    }

    /** The change as stored now if it no longer awaits approval; {@code pending} if it does or cannot be read. */
    private PendingChange movedOrAsRead(PendingChange pending) {
        try {
            return changes.find(pending.id()).filter(found -> found.state() != OperationState.PENDING_APPROVAL)
                    .orElse(pending);
        } catch (RuntimeException readFailed) {
            return pending;
        }
    }

    private Optional<PendingChange> expire(PendingChange pending) {
        PendingChange expired = pending.expire(now());
        ApprovalStep step = new ApprovalStep(Operation.EXPIRE_APPROVAL, expired.requestId());
        if (!changes.update(pending, expired, step)) {
            return Optional.empty();
        }
        ApprovalStepEvents.appendOrLeaveOwed(writer, ChangeEvents.of(expired, step));
        return Optional.of(expired);
    }

    /**
     * The approved change, applied through the ordinary service as its approver's, checked again now. The answer is
     * the change as stored afterwards: {@code completed}, {@code rejected} (refused now; the service audited why; or
     * given up past its {@link #APPLY_BY} time, {@link #givenUp}), or still {@code approved} when the platform could not
     * apply it now (the job tries again once its claim passed).
     * {@code again}: the job's, after a claim passed, when an earlier runner may have applied it and stopped before
     * recording it (or been answered ambiguously by the store): a change found applied already is completed, not
     * applied a second time, which the version it moved itself would refuse ({@link #appliedAlready}).
     */
    private PendingChange apply(PendingChange approved, boolean again) {
        String done;
        try {
            done = again
                    ? appliedAlready(approved).orElseGet(() -> applyNow(approved, attemptOfAReapply(approved)))
                    : applyNow(approved, approved.id());
        } catch (ServerBusy | PlatformUnavailable | PlatformOutcomeUnknown notNow) {
            // Not now: still approved; the job applies it once the claim has passed. A commit in doubt (its audit is
            // UNRESOLVED) is never ended rejected while the change may be in force: the job's apply finds it applied
            // already (completed) or applies it (ADR 0023, amended in session 44 after review).
            return approved;
        } catch (RecoveryException refused) {
            return ended(approved, approved.rejected(now(), "refused when it came to be applied: " + refused.reason()
                    + ": " + refused.getMessage()));
        } catch (RuntimeException untyped) {
            // A failure of no domain type (a store's read the adapter could not name) is no refusal: no rule refused the
            // change, and if it came after the change's intent, the change may be in force. So it is not now, as above:
            // still approved, nothing recorded final, neither the approver's 500 nor the job's round thrown; the job
            // tries it again once the claim has passed (ADR 0043, amended in session 47), until its apply-by time: then
            // it is given up unless a try of it may be in force (amended in session 48).
            if (now().isBefore(applyBy(approved))) {
                LOG.log(System.Logger.Level.WARNING, "approved change {0} ({1}) could not be applied now: {2}; the "
                        + "settle-approvals job tries it again", approved.id(), approved.kind(), untyped.toString());
                return approved;
            }
            return givenUp(approved, untyped);
        }
        return ended(approved, approved.applied(now(), done));
    }

    /** When a try of {@code approved} that meets a failure of no domain type gives it up: {@link #APPLY_BY} after its approval. */
    private static Instant applyBy(PendingChange approved) {
        return approved.approval().decision().orElseThrow().at().plus(APPLY_BY);
    }

    /**
     * {@code approved}, past its {@link #applyBy} time, met a failure of no domain type again: it is given up, ended
     * {@code rejected} with what is true ("its last try met a failure the platform did not expect; nothing of it was
     * applied"), its {@code REJECTED INTERNAL_ERROR} marked owed in the same write and appended just after, as an
     * approved operation that could not start by its run-by time is given up (ADR 0040). Only when nothing of it can be
     * in force: no try of it on record, or every one ended {@code FAILED} (nothing done). A try left open (its intent
     * without an end: its commit in doubt, or the failure came after the intent) or one that ended otherwise may have
     * applied it, so it is never ended rejected: it stays approved and is logged at ERROR, for an operator to look. A
     * history or store that fails here leaves it approved for the next round (ADR 0043, amended in session 48).
     */
    private PendingChange givenUp(PendingChange approved, RuntimeException untyped) {
        try {
            if (aTryMayBeInForce(approved)) {
                if (!now().isBefore(approved.approval().decision().orElseThrow().at().plus(TRIED_EVERY_CLAIM_FOR))) {
                    return stalled(approved, untyped);
                }
                LOG.log(System.Logger.Level.ERROR, MessageFormat.format("approved change {0} ({1}) met a failure of no "
                        + "domain type past its apply-by time {2}: {3}; a try of it may have applied it, so it is not "
                        + "given up: an operator should look (its audit events under request {4})", approved.id(),
                        approved.kind(), applyBy(approved), untyped.toString(), approved.requestId()), untyped);
                return approved;
            }
        } catch (RuntimeException historyDown) {
            LOG.log(System.Logger.Level.WARNING, "approved change {0} ({1}) met a failure of no domain type past its "
                    + "apply-by time ({2}), but its tries could not be read now: {3}; the next round looks again",
                    approved.id(), approved.kind(), untyped.toString(), historyDown.toString());
            return approved;
        }
        PendingChange rejected = approved.rejected(now(), "approved, but it could not be applied by " + applyBy(approved)
                + ": its last try met a failure the platform did not expect (" + untyped.getClass().getSimpleName()
                + "); nothing of it was applied; ask again");
        ApprovalStep step = new ApprovalStep(approved.kind(), approved.requestId());
        try {
            if (!changes.update(approved, rejected, step)) {
                return approved; // moved meanwhile by another runner, which records what came of it
            }
        } catch (RuntimeException storeFailed) {
            // Stored with its answer lost, its REJECTED is owed with it; not stored, the next round looks again.
            LOG.log(System.Logger.Level.WARNING, "approved change {0} ({1}) is given up, but its end could not be "
                    + "stored now: {2}; the next round looks again", approved.id(), approved.kind(),
                    storeFailed.toString());
            return approved;
        }
        LOG.log(System.Logger.Level.ERROR, MessageFormat.format("approved change {0} ({1}) is given up (rejected): a "
                + "try past its apply-by time {2} met a failure of no domain type: {3}", approved.id(), approved.kind(),
                applyBy(approved), untyped.toString()), untyped);
        ApprovalStepEvents.appendOrLeaveOwed(writer, ChangeEvents.of(rejected, step));
        return rejected;
    }

    /**
     * {@code approved}, a try of which may be in force, met a failure of no domain type again past
     * {@link #TRIED_EVERY_CLAIM_FOR}: it stays approved (neither applied nor rejected is known), its note says so to whoever
     * reads the change, and it is next tried {@link #STALLED_RECHECK} from now instead of every claim, one ERROR each time.
     * A store failing under that write leaves it as it was: tried again once the claim passed (ADR 0043, session 49).
     */
    private PendingChange stalled(PendingChange approved, RuntimeException untyped) {
        PendingChange stalled = approved.stalled(now(), STALLED_RECHECK, "approved; a try of it may have applied it, but "
                + "its tries since " + applyBy(approved) + " meet a failure the platform did not expect ("
                + untyped.getClass().getName() + "): what it did is not known, so it is tried again every "
                + STALLED_RECHECK.toMinutes() + " minutes; an operator should look (its audit events under request "
                + approved.requestId() + ")");
        try {
            if (!changes.update(approved, stalled)) {
                return approved; // moved meanwhile by another runner
            }
        } catch (RuntimeException storeFailed) {
            LOG.log(System.Logger.Level.WARNING, "approved change {0} ({1}) could not be noted as stalled now: {2}; it is "
                    + "tried again once its claim passed", approved.id(), approved.kind(), storeFailed.toString());
            return approved;
        }
        LOG.log(System.Logger.Level.ERROR, MessageFormat.format("approved change {0} ({1}) met a failure of no domain type "
                + "again, {2} after its approval: {3}; a try of it may have applied it, so it is neither ended nor given "
                + "up: it is tried again at {4}, and an operator should look (its audit events under request {5})",
                approved.id(), approved.kind(), TRIED_EVERY_CLAIM_FOR, untyped.toString(), stalled.nextCheckAt(),
                approved.requestId()), untyped);
        return stalled;
    }

    /**
     * Whether a try of {@code approved} on record may have applied it. An intent is appended before anything is changed,
     * and never kept to be written later, so no try on record means nothing was applied. Throws when the history cannot
     * be read.
     * <ul>
     *   <li>Its tries only ({@link ChangeTries}): the request id is the client's to choose, so another team's events, a
     *   direct change's or another change's under the same request id are not this change's, and would otherwise keep
     *   it "in force" for ever (ADR 0043, amended in session 48, approvefix). Which are its own is told by the history's
     *   order, not by comparing an intent's instant with the decision's, two instances' clocks (session 49).</li>
     *   <li>A try may be in force when its attempt has an {@code UNRESOLVED}, or more intents than {@code FAILED}s
     *   ({@link #mayBeInForce}): the job reuses an attempt the history shows open ({@link #attemptOfAReapply}), so a
     *   {@code FAILED} of an earlier try under that id, kept to be written and written late, does not close a later
     *   try's intent.</li>
     * </ul>
     */
    private boolean aTryMayBeInForce(PendingChange approved) {
        ChangeTries tries = triesOf(approved);
        // A full page without the change's first try may hide a try in doubt: never given up on what was not read.
        return tries.mayMissTries() || tries.attempts().values().stream().anyMatch(PendingChangesService::mayBeInForce);
    }

    /** The change's tries the history holds now (its team's events of its request and kind); throws when it cannot be read. */
    private ChangeTries triesOf(PendingChange approved) {
        return ChangeTries.of(approved, writer.recordedInOrder(approved.team(), approved.requestId(), approved.kind()));
    }

    /** An attempt that may have applied its change: an {@code UNRESOLVED}, or an intent no {@code FAILED} closed. */
    private static boolean mayBeInForce(List<AuditEvent> attempt) {
        long intents = attempt.stream().filter(event -> event.outcome().kind() == Outcome.Kind.ACCEPTED).count();
        long failed = attempt.stream().filter(event -> event.outcome().kind() == Outcome.Kind.FAILED).count();
        return intents > failed || attempt.stream().anyMatch(event -> event.outcome().kind() == Outcome.Kind.UNRESOLVED);
    }

    /**
     * Records the change applied (or refused) now. A store failing while this is recorded is neither a 503 "nothing was
     * done, try again" (a retry is refused APPROVAL_ALREADY_DECIDED) nor a 500. The record may still read approved, under
     * this request's claim: once it passed, the job's apply finds it applied already and completes it, or refuses it again
     * (ADR 0023, amended in session 46). In the job's round that failure ends the round, as a claim not taken does.
     */
    private PendingChange ended(PendingChange approved, PendingChange next) {
        try {
            return changes.update(approved, next) ? next : changes.find(approved.id()).orElse(approved);
        } catch (RuntimeException storeFailed) {
            PlatformOutcomeUnknown.StoredRequest change = new PlatformOutcomeUnknown.StoredRequest(
                    PlatformOutcomeUnknown.StoredRequest.Kind.CHANGE, approved.id());
            throw PlatformOutcomeUnknown.changeEnd(new PlatformOutcomeUnknown.ChangeEnd(change,
                    next.state() == OperationState.COMPLETED), storeFailed);
        }
    }

    /**
     * The attempt id of the job's apply: the latest try's while it has not ended (the change's own id, as the approver's
     * apply used; or a try of the job's left in doubt), so this try's end is that attempt's; an attempt of its own once
     * it ended (an earlier try the store said it did not store, FAILED): an attempt ends once (ADR 0142). A change so
     * has one attempt open at most, the one its next try ends; reconciliation leaves it to this job while the change is
     * approved ({@link PendingChangeIntents}), and settles it from the row once the change is final. A second open
     * attempt would be settled from the row the later try wrote: one change completed twice (ADR 0043, amended in
     * session 46). Only the change's own tries are looked at ({@link ChangeTries}): another team's attempt, a direct
     * change's or an earlier change's under the same request id is never gone on under (session 49).
     */
    private OperationId attemptOfAReapply(PendingChange approved) {
        ChangeTries tries = triesOf(approved);
        Optional<ChangeTries.Latest> latest = tries.latest();
        if (latest.isEmpty()) {
            // No try of its own on record; or, the page full, none read: the change's id may be an ended attempt then.
            return tries.mayMissTries() ? OperationId.random() : approved.id();
        }
        if (latest.get().ended()) {
            return OperationId.random();
        }
        try {
            return OperationId.parse(latest.get().attemptId());
        } catch (IllegalArgumentException notAnOperationId) {
            return OperationId.random(); // never written by the services a change is applied through
        }
    }

    /** The change applied through the ordinary service, as its approver's; what it did, for the change's note. */
    private String applyNow(PendingChange approved, OperationId attempt) {
        Actor approver = approved.approval().decision().orElseThrow().by();
        Actor requester = approved.approval().requester();
        CallContext context = new CallContext(approved.team(), approved.requestId(), attempt, approver);
        return switch (approved.kind()) {
            case RELEASE_RECOVERY_POINT_HOLD -> {
                holds.releaseHold(new ReleaseHoldCommand(new HoldCaller(new HoldActor.Team(approved.team()),
                        approved.requestId(), attempt, approver), approved.point().orElseThrow(),
                        approved.hold().orElseThrow(), Optional.of(requester)));
                yield "hold " + approved.hold().orElseThrow() + " released";
            }
            case CREATE_POLICY -> {
                PolicyId id = approved.policy().orElseThrow();
                // Created already by a runner that stopped before recording it: not created twice.
                if (policies.find(approved.team(), id).isEmpty()) {
                    policies.createApproved(context, requester, id, approved.document().orElseThrow());
                }
                yield "policy " + id + " created at version 1";
            }
            case UPDATE_POLICY -> "policy " + approved.policy().orElseThrow() + " now at version "
                    + policies.updateApproved(context, requester, approved.policy().orElseThrow(),
                    approved.policyVersion().getAsLong(), approved.document().orElseThrow()).version();
            case DELETE_POLICY -> {
                policies.deleteApproved(context, requester, approved.policy().orElseThrow(),
                        approved.policyVersion().getAsLong());
                yield "policy " + approved.policy().orElseThrow() + " deleted";
            }
            default -> throw new IllegalStateException(approved.kind() + " is not a pending change");
        };
    }

    /**
     * What an approved change did, if it is found done already (a create's is found by its own policy id, in the
     * switch): an update by the policy at the version after the one asked against, holding the change's document,
     * written since the approval; a delete by the policy gone; a release by the hold released since the approval.
     * Its events are the first runner's (its intent, and the outcome it wrote or reconciliation settles): none here.
     */
    private Optional<String> appliedAlready(PendingChange approved) {
        Instant decided = approved.approval().decision().orElseThrow().at();
        return switch (approved.kind()) {
            case UPDATE_POLICY -> policies.find(approved.team(), approved.policy().orElseThrow())
                    .filter(p -> p.version() == approved.policyVersion().getAsLong() + 1
                            && p.spec().equals(approved.document().orElseThrow()) && !p.updatedAt().isBefore(decided))
                    .map(p -> "policy " + p.id() + " now at version " + p.version() + " (found applied already)");
            case DELETE_POLICY -> policies.find(approved.team(), approved.policy().orElseThrow()).isPresent()
                    ? Optional.empty()
                    : Optional.of("policy " + approved.policy().orElseThrow() + " deleted (found applied already)");
            case RELEASE_RECOVERY_POINT_HOLD -> holds.find(approved.hold().orElseThrow())
                    .flatMap(RecoveryPointHold::release).filter(release -> !release.at().isBefore(decided))
                    .map(release -> "hold " + approved.hold().orElseThrow() + " released (found applied already)");
            default -> Optional.empty();
        };
    }

    private void requirePersonAsking(CallContext context, Operation kind) {
        requirePersonAsking(context.team(), context.actor(), context.requestId(), kind);
    }

    /**
     * Only a person asks for a change that needs approval (ADR 0040): a service token's holder could approve their
     * own request with their JWT. Refused before anything is looked up, audited as the change's own refusal.
     */
    private void requirePersonAsking(TeamId team, Actor asker, RequestId requestId, Operation kind) {
        try {
            Approval.requirePersonAsking(asker);
        } catch (AccessDenied refused) {
            writer.appendOrDefer(ChangeEvents.askRefused(kind, team, asker, requestId, clock.instant(), refused));
            throw refused;
        }
    }

    private PendingChange store(PendingChange pending) {
        ApprovalStep asked = new ApprovalStep(Operation.REQUEST_APPROVAL, pending.requestId());
        // The store's own "nothing was done" passes as it is (try again). Any other failure may follow a commit whose
        // answer was lost: not "try again", which would make a second request. A stored row's REQUEST_APPROVAL is owed
        // with it, so the settle job writes it; nothing is written here, as nothing is known (ADR 0023, amended in
        // session 44 after review).
        OwnStoreWrites.committedOrInDoubt(() -> changes.add(pending, asked),
                inDoubt -> PlatformOutcomeUnknown.requestForApproval(
                        new PlatformOutcomeUnknown.StoredRequest(PlatformOutcomeUnknown.StoredRequest.Kind.CHANGE,
                                pending.id()), inDoubt));
        ApprovalStepEvents.appendOrLeaveOwed(writer, ChangeEvents.of(pending, asked));
        return pending;
    }

    /** To the microsecond, as PostgreSQL keeps it: the 202's change reads back exactly as stored. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private Optional<Duration> timeLimit(TeamId team, Actor actor, Operation kind) {
        return actor.authentication() == Actor.Authentication.SYSTEM ? Optional.empty() : settings.timeLimit(team, kind);
    }

    private Approval approval(CallContext context, Operation kind) {
        return approval(context.team(), context.actor(), kind);
    }

    private Approval approval(TeamId team, Actor requester, Operation kind) {
        Instant now = now();
        return Approval.requested(requester, now, now.plus(settings.timeLimit(team, kind).orElseThrow()), false);
    }

    private RecoveryException refusedStep(Operation step, PendingChange about, CallContext context, RecoveryException refused) {
        writer.appendOrDefer(ChangeEvents.step(step, about, context.actor(), context.requestId(),
                new Outcome.Rejected(refused.reason()), now(), Optional.empty(), refused.getMessage()));
        return refused;
    }
}
