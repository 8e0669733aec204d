package org.vpsrecovery.domain.operation;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.RecoverySource;
import org.vpsrecovery.domain.server.RestoreHold;
import org.vpsrecovery.domain.server.ServerId;

/**
 * One accepted attempt, followed to its end at VPS.org. Immutable: each transition returns the next
 * state and refuses an illegal one ({@link IllegalOperationTransition}). {@code version} counts the
 * transitions, so a store can refuse a stale write.
 *
 * <pre>
 * ACCEPTED ──taken──▶ IN_PROGRESS ──completed / failed / vanished / timedOut──▶ final
 *    │  └──refused──▶ FAILED              ▲
 *    └──answerLost──▶ UNRESOLVED ──found──┘ ──notFound──▶ FAILED, ──timedOut──▶ TIMED_OUT
 * a restore, not final, before its deadline ──releasedEarly──▶ RELEASED
 * AWAITING_SAFETY_SNAPSHOT ──safetySnapshotTaken──▶ ACCEPTED (the restore is then asked of VPS.org)
 *          │          ◀──restoreNotTakenNow── (VPS.org did nothing with it now: asked again later)
 *          └──safetySnapshotFailed──▶ FAILED
 * PENDING_APPROVAL ──approve──▶ APPROVED ──run──▶ ACCEPTED or AWAITING_SAFETY_SNAPSHOT (ADR 0040)
 *     │  └──deny──▶ DENIED                 └──rejectedOnRun──▶ REJECTED
 *     └──expire──▶ EXPIRED
 * </pre>
 *
 * {@code resourceServer} is the server the resource belongs to when that is not {@code server}: the
 * backup of another server a restore reads from.
 *
 * {@code releasedBeforeVpsOrgWasAsked}: a restore released while it still waited for its safety snapshot, so VPS.org
 * was never asked to restore ({@link #releasedEarly}). A field of its own, never read back from the free-text note: the
 * reconciler's choice between "not done" and "unverifiable" rests on it (ADR 0029, amended in session 41).
 *
 * {@code approvedRunAt}: the instant an approved operation began to run ({@link #run}), hours perhaps after it was
 * asked ({@code acceptedAt}, kept as the ask on purpose: the operations' order and answer). Empty for one that needed
 * no approval, or had not run, or ran before it was recorded (ADR 0040, amended in session 43). {@link #startedAt}
 * reads it: a restore's hold begins there.
 *
 * {@code pauseHold}: whether the pause after a platform database restore holds this approved run back, no longer does,
 * or held it until it was given up ({@link PauseHold}). A field of its own, moved only by its transitions
 * ({@link #heldBackByThePause}, {@link #noLongerHeldBack}, {@link #givenUpWhileHeldBack}); the note's words are made from
 * it and nothing decides from them (ADR 0043, amended in session 55).
 *
 * {@code refusedOnRunFor}: the reason an approved run was refused when it came to run, set only by
 * {@link #rejectedOnRun(Instant, ReasonCode, String)} and present only on such a {@code REJECTED} operation; empty for a
 * run given up, or any other operation. Its {@code REJECTED} event, made again from the stored row, names it, whatever
 * the note's words (ADR 0040, amended in session 56).
 */
public record RecoveryOperation(OperationId id, TeamId team, RequestId requestId, Operation kind, ServerId server,
                                Optional<ResourceRef> resource, Optional<ServerId> resourceServer, OperationState state, Instant acceptedAt,
                                Instant updatedAt, Instant deadline, Optional<String> note, Instant nextCheckAt,
                                int checks, int version, Optional<Approval> approval,
                                boolean releasedBeforeVpsOrgWasAsked, Optional<Instant> approvedRunAt,
                                PauseHold pauseHold, Optional<ReasonCode> refusedOnRunFor) {

    public static final int MAX_NOTE_LENGTH = 500;

    public RecoveryOperation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(resource, "resource (may be empty, not null)");
        Objects.requireNonNull(resourceServer, "resource server (may be empty, not null)");
        if (resourceServer.isPresent() && (resource.isEmpty() || resourceServer.get().equals(server))) {
            throw new IllegalArgumentException("a resource server names another server's resource");
        }
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(acceptedAt, "accepted at");
        Objects.requireNonNull(updatedAt, "updated at");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(note, "note (may be empty, not null)");
        Objects.requireNonNull(nextCheckAt, "next check at");
        if (checks < 0) {
            throw new IllegalArgumentException("checks must not be negative");
        }
        if (updatedAt.isBefore(acceptedAt) || deadline.isBefore(acceptedAt)) {
            throw new IllegalArgumentException("an operation is updated and due after it was accepted");
        }
        if (note.isPresent() && (note.get().isBlank() || note.get().length() > MAX_NOTE_LENGTH)) {
            throw new IllegalArgumentException("note must be 1-" + MAX_NOTE_LENGTH + " characters");
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative");
        }
        Objects.requireNonNull(approval, "approval (may be empty, not null)");
        if (approval.isEmpty() && (state == OperationState.PENDING_APPROVAL || state == OperationState.APPROVED
                || state == OperationState.DENIED || state == OperationState.EXPIRED)) {
            throw new IllegalArgumentException("an operation " + state.wireName() + " carries its approval");
        }
        if (releasedBeforeVpsOrgWasAsked && (state != OperationState.RELEASED || !kind.isRestore())) {
            throw new IllegalArgumentException("only a released restore was released before VPS.org was asked, not a "
                    + kind + " " + state.wireName());
        }
        Objects.requireNonNull(approvedRunAt, "approved run at (may be empty, not null)");
        if (approvedRunAt.isPresent()) {
            boolean approved = approval.flatMap(Approval::decision).map(d -> d.verdict() == Verdict.APPROVE).orElse(false);
            // Pending, approved and not run, denied, expired, or refused when it came to run: it never ran.
            if (!approved || state == OperationState.PENDING_APPROVAL || state == OperationState.APPROVED
                    || state == OperationState.DENIED || state == OperationState.EXPIRED
                    || state == OperationState.REJECTED) {
                throw new IllegalArgumentException("only an approved operation that ran has a run instant, not a "
                        + kind + " " + state.wireName());
            }
            if (approvedRunAt.get().isBefore(acceptedAt) || approvedRunAt.get().isAfter(updatedAt)) {
                throw new IllegalArgumentException("an approved operation runs after it was asked and before its "
                        + "last move");
            }
        }
        Objects.requireNonNull(pauseHold, "pause hold (NONE when none)");
        if (pauseHold != PauseHold.NONE && pauseHold.state() != state) {
            throw new IllegalArgumentException("an operation " + state.wireName() + " is not " + pauseHold.wireName());
        }
        Objects.requireNonNull(refusedOnRunFor, "refused on run for (may be empty, not null)");
        if (refusedOnRunFor.isPresent() && (state != OperationState.REJECTED || pauseHold != PauseHold.NONE)) {
            throw new IllegalArgumentException("only an approved run refused when it came to run has a refusal reason, "
                    + "not an operation " + state.wireName() + " " + pauseHold.wireName());
        }
    }

    /** An operation that needed no second person. */
    public RecoveryOperation(OperationId id, TeamId team, RequestId requestId, Operation kind, ServerId server,
                             Optional<ResourceRef> resource, Optional<ServerId> resourceServer, OperationState state,
                             Instant acceptedAt, Instant updatedAt, Instant deadline, Optional<String> note,
                             Instant nextCheckAt, int checks, int version) {
        this(id, team, requestId, kind, server, resource, resourceServer, state, acceptedAt, updatedAt, deadline, note,
                nextCheckAt, checks, version, Optional.empty(), false, Optional.empty(), PauseHold.NONE, Optional.empty());
    }

    /**
     * A restore or delete stored, checked but not run, until a second person of the team decides
     * (ADR 0040). Its deadline is the approval's time limit; it holds nothing meanwhile (the policies
     * are applied again when it runs).
     */
    public static RecoveryOperation pendingApproval(OperationId id, TeamId team, RequestId requestId, Operation kind,
                                                    ServerId server, ResourceRef resource,
                                                    Optional<ServerId> resourceServer, Approval approval) {
        if (!kind.isApprovable()) {
            throw new IllegalArgumentException("only a restore or a delete waits for approval, not " + kind);
        }
        if (approval.isDecided()) {
            throw new IllegalArgumentException("a pending approval is not decided yet");
        }
        Instant at = approval.requestedAt();
        return new RecoveryOperation(id, team, requestId, kind, server, Optional.of(resource),
                resourceServer.filter(other -> !other.equals(server)), OperationState.PENDING_APPROVAL, at, at,
                approval.expiresAt(), Optional.empty(), approval.expiresAt(), 0, 0, Optional.of(approval), false,
                Optional.empty(), PauseHold.NONE, Optional.empty());
    }

    /**
     * A second person approves: the operation is {@code APPROVED}, due to run by {@code runBy} (a run the
     * server's lock or VPS.org kept from starting is tried again until then). The rules of who may decide
     * are {@link Approval#decide}'s; an operation not pending is {@code APPROVAL_ALREADY_DECIDED}, one that never waited
     * for approval {@code APPROVAL_NOT_REQUIRED}.
     */
    public RecoveryOperation approve(Actor by, Instant at, Optional<String> reason, Duration runBy) {
        Approval decided = decided(Verdict.APPROVE, by, at, reason);
        Instant when = at.isBefore(updatedAt) ? updatedAt : at;
        return new RecoveryOperation(id, team, requestId, kind, server, resource, resourceServer, OperationState.APPROVED,
                acceptedAt, when, when.plus(runBy), Optional.of("approved by " + by.subject()), when, 0, version + 1,
                Optional.of(decided), releasedBeforeVpsOrgWasAsked, approvedRunAt, PauseHold.NONE, Optional.empty());
    }

    /** A second person denies: final, and VPS.org is never asked. */
    public RecoveryOperation deny(Actor by, Instant at, Optional<String> reason) {
        Approval decided = decided(Verdict.DENY, by, at, reason);
        RecoveryOperation denied = next(OperationState.DENIED, resource, at, "denied by " + by.subject());
        return denied.withApproval(decided);
    }

    /** No one decided within the time limit: final, and VPS.org is never asked. */
    public RecoveryOperation expire(Instant at) {
        require(OperationState.PENDING_APPROVAL, "expire");
        if (!approval.orElseThrow().isExpiredAt(at)) {
            throw new IllegalOperationTransition(id, state, "expire before " + approval.get().expiresAt());
        }
        return next(OperationState.EXPIRED, resource, at, "no one approved or denied it by " + approval.get().expiresAt());
    }

    /**
     * The approved operation runs: {@code run} is what the ordinary path made of it ({@code ACCEPTED}, or
     * a restore {@code AWAITING_SAFETY_SNAPSHOT}), stored over this version and carrying the approval. The instant
     * it runs at is kept ({@link #approvedRunAt}): it began then, not when it was asked.
     */
    public RecoveryOperation run(RecoveryOperation run) {
        require(OperationState.APPROVED, "run");
        if (!run.id().equals(id) || run.kind() != kind || !run.server().equals(server)
                || (run.state() != OperationState.ACCEPTED && run.state() != OperationState.AWAITING_SAFETY_SNAPSHOT)) {
            throw new IllegalOperationTransition(id, state, "run as " + run.kind() + " " + run.state().wireName());
        }
        // Accepted when it was asked for; begun now: its deadline (a restore's window) is the run's, from now.
        Instant when = run.updatedAt().isBefore(updatedAt) ? updatedAt : run.updatedAt();
        return new RecoveryOperation(id, team, requestId, kind, server, run.resource(), run.resourceServer(), run.state(),
                acceptedAt, when, run.deadline(), run.note(), run.nextCheckAt(), 0, version + 1, approval,
                releasedBeforeVpsOrgWasAsked, Optional.of(when), PauseHold.NONE, Optional.empty());
    }

    /**
     * One runner takes the approved operation to run it: stored over the version it read, so of two runners
     * (the approver's request and the job) one wins and the other writes nothing. Still {@code APPROVED}, not
     * looked at again until {@code lease} has passed (a runner that stopped is then replaced).
     */
    public RecoveryOperation claimedToRun(Instant at, Duration lease) {
        require(OperationState.APPROVED, "claimedToRun");
        return new RecoveryOperation(id, team, requestId, kind, server, resource, resourceServer, state, acceptedAt,
                updatedAt, deadline, note, at.plus(lease), checks, version + 1, approval, releasedBeforeVpsOrgWasAsked,
                approvedRunAt, pauseHold, refusedOnRunFor);
    }

    /**
     * Approved, but never able to start by its run-by time: {@code REJECTED}, its note {@code note}, no refusal reason
     * (a run refused when it came to run is {@link #rejectedOnRun(Instant, ReasonCode, String)}).
     */
    public RecoveryOperation rejectedOnRun(Instant at, String note) {
        require(OperationState.APPROVED, "rejectedOnRun");
        return next(OperationState.REJECTED, resource, at, note);
    }

    /**
     * Approved, but refused when it came to run (its policies again, under the lock) for {@code reason}: {@code REJECTED}
     * with {@link #refusedOnRunFor} {@code reason}, the one move that sets it (ADR 0040, amended in session 56). The note
     * still starts {@value #REFUSED_ON_RUN_NOTE_START}{@code <REASON>: }, the words the release before read the reason
     * from (two releases, ADR 0038); nothing of this release reads them but the store's fallback for that release's rows.
     */
    public RecoveryOperation rejectedOnRun(Instant at, ReasonCode reason, String why) {
        require(OperationState.APPROVED, "rejectedOnRun");
        Objects.requireNonNull(reason, "reason");
        RecoveryOperation rejected = next(OperationState.REJECTED, resource, at,
                REFUSED_ON_RUN_NOTE_START + reason.name() + ": " + why);
        return new RecoveryOperation(id, team, requestId, kind, server, rejected.resource(), resourceServer,
                rejected.state(), acceptedAt, rejected.updatedAt(), deadline, rejected.note(), rejected.nextCheckAt(),
                rejected.checks(), rejected.version(), approval, releasedBeforeVpsOrgWasAsked, approvedRunAt,
                PauseHold.NONE, Optional.of(reason));
    }

    /** The start of the note of a run refused when it came to run, its reason's name and ": " next: words only. */
    public static final String REFUSED_ON_RUN_NOTE_START = "refused when it came to run: ";

    /** Waiting for a second person's decision. */
    public boolean awaitsApproval() {
        return state == OperationState.PENDING_APPROVAL;
    }

    /** Pending approval, or approved and not yet run: nothing has been asked of VPS.org (ADR 0040). */
    public boolean isHeldForApproval() {
        return state == OperationState.PENDING_APPROVAL || state == OperationState.APPROVED;
    }

    private Approval decided(Verdict verdict, Actor by, Instant at, Optional<String> reason) {
        if (state != OperationState.PENDING_APPROVAL) {
            if (approval.isEmpty()) {
                throw new RecoveryDenied(ReasonCode.APPROVAL_NOT_REQUIRED, "operation " + id + " needs no approval");
            }
            if (state == OperationState.EXPIRED) {
                throw new RecoveryDenied(ReasonCode.APPROVAL_EXPIRED, "the approval time limit passed at "
                        + approval.get().expiresAt());
            }
            // Decided, run or ended: a decision now would take a finished operation back to APPROVED or DENIED.
            throw new RecoveryDenied(ReasonCode.APPROVAL_ALREADY_DECIDED, "operation " + id + " is "
                    + state.wireName() + ", no longer pending approval");
        }
        return approval.orElseThrow().decide(verdict, by, at, reason);
    }

    private RecoveryOperation withApproval(Approval decided) {
        return new RecoveryOperation(id, team, requestId, kind, server, resource, resourceServer, state, acceptedAt,
                updatedAt, deadline, note, nextCheckAt, checks, version, Optional.of(decided), releasedBeforeVpsOrgWasAsked,
                approvedRunAt, pauseHold, refusedOnRunFor);
    }

    /** A new operation, the moment its intent is on record. */
    public static RecoveryOperation accepted(OperationId id, TeamId team, RequestId requestId, Operation kind,
                                             ServerId server, Optional<ResourceRef> resource, Instant at,
                                             Duration trackingDeadline) {
        return accepted(id, team, requestId, kind, server, resource, Optional.empty(), at, trackingDeadline);
    }

    /** A new operation about {@code resource} of another server, {@code resourceServer} (a restore from its backup). */
    public static RecoveryOperation accepted(OperationId id, TeamId team, RequestId requestId, Operation kind,
                                             ServerId server, Optional<ResourceRef> resource,
                                             Optional<ServerId> resourceServer, Instant at, Duration trackingDeadline) {
        return new RecoveryOperation(id, team, requestId, kind, server, resource,
                resourceServer.filter(other -> !other.equals(server)), OperationState.ACCEPTED, at, at,
                at.plus(trackingDeadline), Optional.empty(), at, 0, 0);
    }

    /**
     * A restore stored before VPS.org is asked: it waits for its safety snapshot (ADR 0029), holding
     * its server until {@code deadline} (the snapshot's tracking deadline plus the restore window).
     */
    public static RecoveryOperation awaitingSafetySnapshot(OperationId id, TeamId team, RequestId requestId,
                                                           Operation kind, ServerId server, ResourceRef source,
                                                           Optional<ServerId> sourceServer, Instant at, Duration wait) {
        if (!kind.isRestore()) {
            throw new IllegalArgumentException("only a restore waits for a safety snapshot");
        }
        return new RecoveryOperation(id, team, requestId, kind, server, Optional.of(source),
                sourceServer.filter(other -> !other.equals(server)), OperationState.AWAITING_SAFETY_SNAPSHOT, at, at,
                at.plus(wait), Optional.empty(), at, 0, 0);
    }

    /**
     * The safety snapshot completed: the restore is about to be asked of VPS.org, as if just accepted.
     * Its window (the deadline) starts now.
     */
    public RecoveryOperation safetySnapshotTaken(Instant at, Duration restoreWindow, String note) {
        require(OperationState.AWAITING_SAFETY_SNAPSHOT, "safetySnapshotTaken");
        Instant when = at.isBefore(updatedAt) ? updatedAt : at;
        RecoveryOperation moved = next(OperationState.ACCEPTED, resource, when, note);
        return new RecoveryOperation(id, team, requestId, kind, server, resource, resourceServer, moved.state(),
                acceptedAt, when, when.plus(restoreWindow), moved.note(), when, 0, moved.version(), approval,
                moved.releasedBeforeVpsOrgWasAsked(), approvedRunAt, PauseHold.NONE, Optional.empty());
    }

    /**
     * The restore moved out of waiting by {@link #safetySnapshotTaken} came back from VPS.org with nothing done (rate
     * limited, not reached, the platform's credentials refused): it waits again, to be asked in a later round, until
     * {@code waitingDeadline}, the deadline it had while it waited, so a VPS.org that keeps refusing cannot hold the
     * server for ever. Only for a restore the continuation moved out of waiting.
     */
    public RecoveryOperation restoreNotTakenNow(Instant at, Instant waitingDeadline, String note) {
        require(OperationState.ACCEPTED, "restoreNotTakenNow");
        if (!kind.isRestore()) {
            throw new IllegalOperationTransition(id, state, "restoreNotTakenNow of a " + kind);
        }
        RecoveryOperation moved = next(OperationState.AWAITING_SAFETY_SNAPSHOT, resource, at, note);
        return new RecoveryOperation(id, team, requestId, kind, server, resource, resourceServer, moved.state(),
                acceptedAt, moved.updatedAt(), waitingDeadline, moved.note(), moved.nextCheckAt(), 0, moved.version(),
                approval, moved.releasedBeforeVpsOrgWasAsked(), approvedRunAt, PauseHold.NONE, Optional.empty());
    }

    /** The safety snapshot did not complete (or the restore was refused on the second look): VPS.org is never asked. */
    public RecoveryOperation safetySnapshotFailed(Instant at, String note) {
        require(OperationState.AWAITING_SAFETY_SNAPSHOT, "safetySnapshotFailed");
        return next(OperationState.FAILED, resource, at, note);
    }

    /**
     * VPS.org took it; {@code made} names what a create made. A restore's window (its deadline, the hold on its server)
     * is moved to start at {@code at}, when VPS.org's answer came, not when the platform began to ask: a slow answer
     * must not shorten the hold on a server VPS.org is restoring (ADR 0024, amended in session 50).
     */
    public RecoveryOperation taken(Optional<ResourceRef> made, Instant at, String note) {
        require(OperationState.ACCEPTED, "taken");
        RecoveryOperation moved = next(OperationState.IN_PROGRESS, made.or(() -> resource), at, note);
        if (!kind.isRestore()) {
            return moved;
        }
        // Accepted at updatedAt with its window to the deadline (accepted, safetySnapshotTaken, run): the same window
        // from the answer on.
        Instant windowEnd = deadline.plus(Duration.between(updatedAt, moved.updatedAt()));
        return new RecoveryOperation(id, team, requestId, kind, server, moved.resource(), resourceServer, moved.state(),
                acceptedAt, moved.updatedAt(), windowEnd, moved.note(), moved.nextCheckAt(), 0, moved.version(), approval,
                moved.releasedBeforeVpsOrgWasAsked(), approvedRunAt, PauseHold.NONE, Optional.empty());
    }

    /** VPS.org refused or failed it for certain. */
    public RecoveryOperation refused(Instant at, String note) {
        require(OperationState.ACCEPTED, "refused");
        return next(OperationState.FAILED, resource, at, note);
    }

    /** VPS.org's answer was lost: it may or may not have acted. */
    public RecoveryOperation answerLost(Instant at, String note) {
        require(OperationState.ACCEPTED, "answerLost");
        return next(OperationState.UNRESOLVED, resource, at, note);
    }

    /** Looking at VPS.org showed it acted (for a lost answer, or an intent whose answer was never recorded). */
    public RecoveryOperation found(Optional<ResourceRef> made, Instant at, String note) {
        requireOneOf("found", OperationState.UNRESOLVED, OperationState.ACCEPTED);
        return next(OperationState.IN_PROGRESS, made.or(() -> resource), at, note);
    }

    /** Looking at VPS.org showed it did not act. */
    public RecoveryOperation notFound(Instant at, String note) {
        requireOneOf("notFound", OperationState.UNRESOLVED, OperationState.ACCEPTED);
        return next(OperationState.FAILED, resource, at, note);
    }

    public RecoveryOperation completed(Instant at, String note) {
        require(OperationState.IN_PROGRESS, "completed");
        return next(OperationState.COMPLETED, resource, at, note);
    }

    /** VPS.org reports the recovery point failed. */
    public RecoveryOperation failedAtProvider(Instant at, String note) {
        require(OperationState.IN_PROGRESS, "failedAtProvider");
        return next(OperationState.FAILED, resource, at, note);
    }

    public RecoveryOperation vanished(Instant at, String note) {
        require(OperationState.IN_PROGRESS, "vanished");
        return next(OperationState.VANISHED, resource, at, note);
    }

    /** The deadline passed with no end shown at VPS.org. */
    public RecoveryOperation timedOut(Instant at, String note) {
        if (state.isFinal() || state == OperationState.PENDING_APPROVAL || state == OperationState.APPROVED) {
            throw new IllegalOperationTransition(id, state, "timedOut");
        }
        if (at.isBefore(deadline)) {
            throw new IllegalArgumentException("operation " + id + " is not due until " + deadline);
        }
        return next(OperationState.TIMED_OUT, resource, at, note);
    }

    /**
     * An approved run the pause after a database restore keeps from starting: looked at again later as by
     * {@link #unchanged(Instant, Duration, Duration)}, its note saying why and until when it may still run. Once: a run
     * already held back, or no longer held (a service without the pause tried it), is refused (ADR 0043, amended in
     * session 55).
     */
    public RecoveryOperation heldBackByThePause(Instant at, Duration first, Duration longest) {
        require(OperationState.APPROVED, "heldBackByThePause");
        if (pauseHold != PauseHold.NONE) {
            throw new IllegalOperationTransition(id, state, "heldBackByThePause when " + pauseHold.wireName());
        }
        return unchanged(at, first, longest).withPauseHold(PauseHold.HELD_BACK,
                PauseHold.HELD_BACK.noteStart() + deadline + "; past it, it is given up");
    }

    /**
     * A run the pause held back, tried by a service without the pause and not startable now (the server busy, VPS.org
     * unavailable): looked at again later, its note no longer saying the pause holds it. Only from held back.
     */
    public RecoveryOperation noLongerHeldBack(Instant at, Duration first, Duration longest) {
        require(OperationState.APPROVED, "noLongerHeldBack");
        if (pauseHold != PauseHold.HELD_BACK) {
            throw new IllegalOperationTransition(id, state, "noLongerHeldBack when " + pauseHold.wireName());
        }
        return unchanged(at, first, longest).withPauseHold(PauseHold.NO_LONGER_HELD, PauseHold.NO_LONGER_HELD.noteStart()
                + "approved by " + approval.orElseThrow().decision().orElseThrow().by().subject() + ", it runs once the "
                + "server and VPS.org let it, if that is before its run-by time " + deadline + "; past it, it is given up");
    }

    /**
     * A run still held back by the pause when its run-by time passed: {@code REJECTED}, never asked of VPS.org, its note
     * {@code note} (which names the pause). Only from held back; any other give-up is {@link #rejectedOnRun}.
     */
    public RecoveryOperation givenUpWhileHeldBack(Instant at, String note) {
        require(OperationState.APPROVED, "givenUpWhileHeldBack");
        if (pauseHold != PauseHold.HELD_BACK) {
            throw new IllegalOperationTransition(id, state, "givenUpWhileHeldBack when " + pauseHold.wireName());
        }
        RecoveryOperation rejected = next(OperationState.REJECTED, resource, at, note);
        return rejected.withPauseHold(PauseHold.GIVEN_UP_WHILE_HELD, rejected.note().orElseThrow());
    }

    private RecoveryOperation withPauseHold(PauseHold hold, String why) {
        String words = why.length() <= MAX_NOTE_LENGTH ? why : why.substring(0, MAX_NOTE_LENGTH);
        return new RecoveryOperation(id, team, requestId, kind, server, resource, resourceServer, state, acceptedAt,
                updatedAt, deadline, Optional.of(words), nextCheckAt, checks, version, approval,
                releasedBeforeVpsOrgWasAsked, approvedRunAt, hold, refusedOnRunFor);
    }

    /**
     * VPS.org showed no change: look again later, backing off from {@code first} to at most
     * {@code longest} between looks, never past the deadline.
     */
    public RecoveryOperation unchanged(Instant at, Duration first, Duration longest) {
        // Pending approval, its next look is the approval's expiry: a backoff would move it.
        if (state.isFinal() || state == OperationState.PENDING_APPROVAL) {
            throw new IllegalOperationTransition(id, state, "unchanged");
        }
        Duration wait = first.multipliedBy(1L << Math.min(checks, 20));
        if (wait.compareTo(longest) > 0) {
            wait = longest;
        }
        Instant next = at.plus(wait);
        if (next.isAfter(deadline) && at.isBefore(deadline)) {
            next = deadline;
        }
        return new RecoveryOperation(id, team, requestId, kind, server, resource, resourceServer, state, acceptedAt,
                updatedAt, deadline, note, next, checks + 1, version + 1, approval, releasedBeforeVpsOrgWasAsked,
                approvedRunAt, pauseHold, refusedOnRunFor);
    }

    /**
     * The owning team ends a restore's hold before its window (the deadline) ends. Only a restore,
     * not final, and only before the deadline: after it, the window's end is the tracker's to record.
     */
    public RecoveryOperation releasedEarly(Instant at, String note) {
        if (!kind.isRestore() || state.isFinal() || state == OperationState.PENDING_APPROVAL
                || state == OperationState.APPROVED) {
            throw new IllegalOperationTransition(id, state, "releasedEarly");
        }
        if (isDue(at)) {
            throw new IllegalOperationTransition(id, state, "releasedEarly after its window ended at " + deadline);
        }
        // Whether VPS.org was asked is kept on the operation, not read from its events, which may still wait in a
        // backlog (ADR 0029, amended in session 40), and in a field of its own, not in the note (session 41).
        boolean neverAsked = state == OperationState.AWAITING_SAFETY_SNAPSHOT;
        return next(OperationState.RELEASED, resource, at, neverAsked
                ? RELEASED_BEFORE_VPSORG_WAS_ASKED + (note == null || note.isBlank() ? "" : ": " + note) : note, neverAsked);
    }

    /**
     * The note's words for a person reading a restore released while it waited for its safety snapshot; nothing parses
     * them (the fact is {@link #releasedBeforeVpsOrgWasAsked}).
     */
    static final String RELEASED_BEFORE_VPSORG_WAS_ASKED = "released while it waited for its safety snapshot, before "
            + "VPS.org was asked to restore";

    /**
     * A restore released while it still waited for its safety snapshot: VPS.org was never asked to restore, so it was
     * not done. False for one released after the continuation moved it on to ask VPS.org, whatever its note or its
     * events say.
     */
    @Override
    public boolean releasedBeforeVpsOrgWasAsked() {
        return releasedBeforeVpsOrgWasAsked;
    }

    /**
     * When this operation began: an approved one that ran, at its run ({@link #approvedRunAt}), not when it was asked;
     * any other when it was accepted (a row stored before the run instant was kept reads so too).
     */
    public Instant startedAt() {
        return approvedRunAt.orElse(acceptedAt);
    }

    /**
     * The hold this operation puts on its server at {@code at}: a restore not final whose window has
     * not ended. A restore whose answer was lost holds too: VPS.org may be running it. It holds from when the
     * restore began ({@link #startedAt}): an approved one from its run, not from its ask (ADR 0040, session 43).
     */
    public Optional<RestoreHold> hold(Instant at) {
        if (!kind.isRestore() || state.isFinal() || isDue(at) || resource.isEmpty() || !deadline.isAfter(startedAt())
                || state == OperationState.PENDING_APPROVAL || state == OperationState.APPROVED) {
            return Optional.empty();
        }
        return Optional.of(new RestoreHold(server, team, id.value(), startedAt(), deadline,
                new RecoverySource(RecoverySource.Kind.valueOf(resource.get().type().name()), resource.get().id(),
                        resourceServer.orElse(server))));
    }

    /**
     * The audit outcome this operation's end stands for, with {@code cause} as its words (cut to
     * what an outcome holds). The one mapping of an end to an outcome and reason: the tracker writes
     * it as it moves the operation, and the reconciler writes it for an end whose event was lost.
     */
    public Outcome end(String cause) {
        String words = cause.length() <= Outcome.MAX_CAUSE_LENGTH ? cause : cause.substring(0, Outcome.MAX_CAUSE_LENGTH);
        return switch (state) {
            case COMPLETED -> new Outcome.Completed();
            // A create that made something and failed: the point failed at VPS.org. Otherwise nothing was done.
            case FAILED -> kind.isCreate() && resource.isPresent()
                    ? new Outcome.Failed(ReasonCode.RECOVERY_POINT_FAILED, words)
                    : new Outcome.Failed(ReasonCode.NOT_DONE_AT_PROVIDER, words);
            case VANISHED -> new Outcome.Failed(ReasonCode.RECOVERY_POINT_VANISHED, words);
            // A restore leaves nothing to see at VPS.org (no server status read); anything else had its deadline.
            case TIMED_OUT -> kind.isRestore()
                    ? new Outcome.Unverifiable(ReasonCode.OUTCOME_UNKNOWN, words)
                    : new Outcome.Unverifiable(ReasonCode.TRACKING_DEADLINE_PASSED, words);
            case RELEASED -> new Outcome.Unverifiable(ReasonCode.RESTORE_HOLD_RELEASED, words);
            // Never asked of VPS.org, and no intent on record: nothing for the tracker or the reconciler to end (ADR 0040).
            case ACCEPTED, IN_PROGRESS, UNRESOLVED, AWAITING_SAFETY_SNAPSHOT, PENDING_APPROVAL, APPROVED, DENIED, EXPIRED,
                 REJECTED -> throw new IllegalOperationTransition(id, state, "end");
        };
    }

    /**
     * The end a final audit event of this attempt already records: the state whose {@link #end(String)}
     * is that outcome. The tracker writes an end's event before it moves the operation, so a crash (or
     * a store that failed) between the two leaves the operation open with its end on record; the next
     * look closes it as recorded, whatever VPS.org shows by then, and writes no second event.
     */
    public RecoveryOperation endedAs(Outcome recorded, Instant at, String note) {
        // Pending or approved, VPS.org was never asked and no intent is on record (ADR 0040): no end to close it as.
        if (state.isFinal() || state == OperationState.PENDING_APPROVAL || state == OperationState.APPROVED) {
            throw new IllegalOperationTransition(id, state, "endedAs");
        }
        OperationState end = switch (recorded) {
            case Outcome.Completed completed -> OperationState.COMPLETED;
            case Outcome.Failed failed -> failed.reason() == ReasonCode.RECOVERY_POINT_VANISHED
                    ? OperationState.VANISHED
                    // A restore released while it waited for its safety snapshot: never asked of VPS.org.
                    : failed.reason() == ReasonCode.RESTORE_HOLD_RELEASED ? OperationState.RELEASED : OperationState.FAILED;
            case Outcome.Unverifiable unverifiable -> unverifiable.reason() == ReasonCode.RESTORE_HOLD_RELEASED
                    ? OperationState.RELEASED : OperationState.TIMED_OUT;
            default -> throw new IllegalArgumentException("not a final outcome: " + recorded.kind());
        };
        return next(end, resource, at, note);
    }

    /** {@link #end(String)} in the standard words for each end. */
    public Outcome end() {
        return end(switch (state) {
            case FAILED -> kind.isCreate() && resource.isPresent()
                    ? "VPS.org reported the recovery point failed" : "VPS.org shows it was not done";
            case VANISHED -> "the recovery point disappeared from VPS.org's list before completing";
            case TIMED_OUT -> kind.isRestore() ? "VPS.org offers no server status read" : "no end at VPS.org by the deadline";
            case RELEASED -> "the owning team released the restore's hold before its window ended";
            default -> state.wireName();
        });
    }

    public boolean isFinal() {
        return state.isFinal();
    }

    public boolean isDue(Instant now) {
        return !now.isBefore(deadline);
    }

    private void require(OperationState expected, String transition) {
        if (state != expected) {
            throw new IllegalOperationTransition(id, state, transition);
        }
    }

    private void requireOneOf(String transition, OperationState... allowed) {
        for (OperationState candidate : allowed) {
            if (state == candidate) {
                return;
            }
        }
        throw new IllegalOperationTransition(id, state, transition);
    }

    private RecoveryOperation next(OperationState to, Optional<ResourceRef> about, Instant at, String text) {
        return next(to, about, at, text, releasedBeforeVpsOrgWasAsked);
    }

    private RecoveryOperation next(OperationState to, Optional<ResourceRef> about, Instant at, String text,
                                   boolean releasedBeforeAsked) {
        Instant when = at.isBefore(updatedAt) ? updatedAt : at;
        Optional<String> written = Optional.ofNullable(text).filter(t -> !t.isBlank())
                .map(t -> t.length() <= MAX_NOTE_LENGTH ? t : t.substring(0, MAX_NOTE_LENGTH));
        // A new state is looked at again at once by the tracker: checks start over.
        return new RecoveryOperation(id, team, requestId, kind, server, about, resourceServer, to, acceptedAt, when,
                deadline, written.or(() -> note), when, 0, version + 1, approval, releasedBeforeAsked, approvedRunAt,
                PauseHold.NONE, Optional.empty());
    }
}
