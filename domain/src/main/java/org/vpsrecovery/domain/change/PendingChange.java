package org.vpsrecovery.domain.change;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.operation.IllegalOperationTransition;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.server.ServerId;

/**
 * A change of the platform's own records (a hold's release, a policy's create, update or delete) that waits
 * for a second person of the team (ADR 0043). Not a {@code RecoveryOperation}: nothing is asked of VPS.org.
 * Its id shares the operations' id space (a random UUID, the request's {@code X-Operation-Id}), so one
 * decision endpoint finds either. Immutable; {@code version} counts the transitions, so a store refuses a
 * stale write (of two deciders, or a decider and the expiry, one wins).
 *
 * <pre>
 * PENDING_APPROVAL ──approve──▶ APPROVED ──applied──▶ COMPLETED
 *     │  └──deny──▶ DENIED          └──rejected (the policy moved, the hold was released...)──▶ REJECTED
 *     └──expire──▶ EXPIRED
 * </pre>
 *
 * What it will do is carried whole: the hold and its point; the policy, the version it was read at
 * (update, delete) and the document it will write (create, update).
 */
public record PendingChange(OperationId id, TeamId team, RequestId requestId, Operation kind,
                            Optional<HoldId> hold, Optional<ResourceRef> point, Optional<ServerId> server,
                            Optional<PolicyId> policy, OptionalLong policyVersion, Optional<PolicySpec> document,
                            OperationState state, Instant updatedAt, Instant nextCheckAt, Optional<String> note,
                            int version, Approval approval) {

    /** The changes a team may have approved by a second person first, besides restores and deletes. */
    public static final Set<Operation> KINDS = Set.of(Operation.RELEASE_RECOVERY_POINT_HOLD, Operation.CREATE_POLICY,
            Operation.UPDATE_POLICY, Operation.DELETE_POLICY);
    public static final int MAX_NOTE_LENGTH = 500;
    /** The states a change can be in: a subset of an operation's, with the same wire words. */
    public static final Set<OperationState> STATES = Set.of(OperationState.PENDING_APPROVAL, OperationState.APPROVED,
            OperationState.COMPLETED, OperationState.DENIED, OperationState.EXPIRED, OperationState.REJECTED);

    public PendingChange {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(hold, "hold (may be empty, not null)");
        Objects.requireNonNull(point, "point (may be empty, not null)");
        Objects.requireNonNull(server, "server (may be empty, not null)");
        Objects.requireNonNull(policy, "policy (may be empty, not null)");
        Objects.requireNonNull(policyVersion, "policy version (may be empty, not null)");
        Objects.requireNonNull(document, "document (may be empty, not null)");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(updatedAt, "updated at");
        Objects.requireNonNull(nextCheckAt, "next check at");
        Objects.requireNonNull(note, "note (may be empty, not null)");
        Objects.requireNonNull(approval, "approval");
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException(kind + " is not a change of the platform's own records");
        }
        if (!STATES.contains(state)) {
            throw new IllegalArgumentException("a pending change is never " + state.wireName());
        }
        boolean holdRelease = kind == Operation.RELEASE_RECOVERY_POINT_HOLD;
        if (holdRelease != hold.isPresent() || holdRelease != point.isPresent() || holdRelease != server.isPresent()) {
            throw new IllegalArgumentException("a hold release, and only it, names its hold, point and server");
        }
        if (holdRelease == policy.isPresent()) {
            throw new IllegalArgumentException("a policy change, and only it, names its policy");
        }
        if ((kind == Operation.UPDATE_POLICY || kind == Operation.DELETE_POLICY) != policyVersion.isPresent()) {
            throw new IllegalArgumentException("an update or delete, and only they, name the policy version they change");
        }
        if ((kind == Operation.CREATE_POLICY || kind == Operation.UPDATE_POLICY) != document.isPresent()) {
            throw new IllegalArgumentException("a create or update, and only they, carry the policy document they write");
        }
        if (policyVersion.isPresent() && policyVersion.getAsLong() < 1) {
            throw new IllegalArgumentException("a policy version is positive");
        }
        if (note.isPresent() && (note.get().isBlank() || note.get().length() > MAX_NOTE_LENGTH)) {
            throw new IllegalArgumentException("note must be 1-" + MAX_NOTE_LENGTH + " characters");
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative");
        }
        if (updatedAt.isBefore(approval.requestedAt())) {
            throw new IllegalArgumentException("a change is updated after it was asked for");
        }
        if ((state == OperationState.PENDING_APPROVAL || state == OperationState.EXPIRED) == approval.isDecided()) {
            throw new IllegalArgumentException("a change " + state.wireName() + (approval.isDecided() ? " is not" : " is")
                    + " decided");
        }
    }

    /** A hold's release by a team member, waiting; the hold stays in force meanwhile. */
    public static PendingChange holdRelease(OperationId id, TeamId team, RequestId requestId, HoldId hold,
                                            ResourceRef point, ServerId server, Approval approval) {
        return pending(id, team, requestId, Operation.RELEASE_RECOVERY_POINT_HOLD, Optional.of(hold), Optional.of(point),
                Optional.of(server), Optional.empty(), OptionalLong.empty(), Optional.empty(), approval);
    }

    /** A new policy, waiting: it gets {@code policy} as its id when applied. */
    public static PendingChange policyCreate(OperationId id, TeamId team, RequestId requestId, PolicyId policy,
                                             PolicySpec document, Approval approval) {
        return pending(id, team, requestId, Operation.CREATE_POLICY, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(policy), OptionalLong.empty(), Optional.of(document), approval);
    }

    /** A policy's replacement, waiting: applied only over {@code version}, the version it was asked against. */
    public static PendingChange policyUpdate(OperationId id, TeamId team, RequestId requestId, PolicyId policy,
                                             long version, PolicySpec document, Approval approval) {
        return pending(id, team, requestId, Operation.UPDATE_POLICY, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(policy), OptionalLong.of(version), Optional.of(document), approval);
    }

    /** A policy's delete, waiting: applied only over {@code version}, the version it was asked against. */
    public static PendingChange policyDelete(OperationId id, TeamId team, RequestId requestId, PolicyId policy,
                                             long version, Approval approval) {
        return pending(id, team, requestId, Operation.DELETE_POLICY, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(policy), OptionalLong.of(version), Optional.empty(), approval);
    }

    private static PendingChange pending(OperationId id, TeamId team, RequestId requestId, Operation kind,
                                         Optional<HoldId> hold, Optional<ResourceRef> point, Optional<ServerId> server,
                                         Optional<PolicyId> policy, OptionalLong policyVersion,
                                         Optional<PolicySpec> document, Approval approval) {
        if (approval.isDecided()) {
            throw new IllegalArgumentException("a pending approval is not decided yet");
        }
        return new PendingChange(id, team, requestId, kind, hold, point, server, policy, policyVersion, document,
                OperationState.PENDING_APPROVAL, approval.requestedAt(), approval.expiresAt(), Optional.empty(), 0, approval);
    }

    /**
     * A second person approves ({@link Approval#decide}'s rules): {@code APPROVED}, and the approver's request
     * applies it at once; the job leaves it to that request until {@code claim} has passed.
     */
    public PendingChange approve(Actor by, Instant at, Optional<String> reason, Duration claim) {
        Approval decided = decided(Verdict.APPROVE, by, at, reason);
        Instant when = later(at);
        return new PendingChange(id, team, requestId, kind, hold, point, server, policy, policyVersion, document,
                OperationState.APPROVED, when, when.plus(claim), Optional.of("approved by " + by.subject()), version + 1,
                decided);
    }

    /** A second person denies: final, nothing changes. */
    public PendingChange deny(Actor by, Instant at, Optional<String> reason) {
        Approval decided = decided(Verdict.DENY, by, at, reason);
        return moved(OperationState.DENIED, at, "denied by " + by.subject(), decided);
    }

    /** No one decided within the time limit: final, nothing changes. */
    public PendingChange expire(Instant at) {
        require(OperationState.PENDING_APPROVAL, "expire");
        if (!approval.isExpiredAt(at)) {
            throw new IllegalOperationTransition(id, state, "expire before " + approval.expiresAt());
        }
        return moved(OperationState.EXPIRED, at, "no one approved or denied it by " + approval.expiresAt(), approval);
    }

    /** A runner (the job, after the approver's request stopped) takes it to apply: others keep off until {@code lease} passed. */
    public PendingChange claimedToApply(Instant at, Duration lease) {
        require(OperationState.APPROVED, "claimedToApply");
        return new PendingChange(id, team, requestId, kind, hold, point, server, policy, policyVersion, document, state,
                updatedAt, at.plus(lease), note, version + 1, approval);
    }

    /**
     * Still approved, its note saying why, and next looked at {@code recheck} after {@code at} instead of every claim: a
     * change a try of which may have applied it, while its tries keep meeting a failure the platform did not expect. What
     * it did is not known, so it is neither ended nor given up; the note shows it to whoever reads the change.
     */
    public PendingChange stalled(Instant at, Duration recheck, String why) {
        require(OperationState.APPROVED, "stalled");
        PendingChange noted = moved(OperationState.APPROVED, at, why, approval);
        return new PendingChange(id, team, requestId, kind, hold, point, server, policy, policyVersion, document, state,
                noted.updatedAt(), noted.updatedAt().plus(recheck), noted.note(), noted.version(), approval);
    }

    /** Approved and done: the hold released, the policy written. */
    public PendingChange applied(Instant at, String what) {
        require(OperationState.APPROVED, "applied");
        return moved(OperationState.COMPLETED, at, what, approval);
    }

    /** Approved, but refused when it came to be applied (the policy's version moved, the hold released meanwhile...). */
    public PendingChange rejected(Instant at, String why) {
        require(OperationState.APPROVED, "rejected");
        return moved(OperationState.REJECTED, at, why, approval);
    }

    public boolean isFinal() {
        return state.isFinal();
    }

    private Approval decided(Verdict verdict, Actor by, Instant at, Optional<String> reason) {
        if (state == OperationState.EXPIRED) {
            throw new RecoveryDenied(ReasonCode.APPROVAL_EXPIRED, "the approval time limit passed at " + approval.expiresAt());
        }
        return approval.decide(verdict, by, at, reason);
    }

    private PendingChange moved(OperationState to, Instant at, String text, Approval with) {
        Optional<String> written = Optional.ofNullable(text).filter(t -> !t.isBlank())
                .map(t -> t.length() <= MAX_NOTE_LENGTH ? t : t.substring(0, MAX_NOTE_LENGTH));
        Instant when = later(at);
        return new PendingChange(id, team, requestId, kind, hold, point, server, policy, policyVersion, document, to,
                when, when, written.or(() -> note), version + 1, with);
    }

    private Instant later(Instant at) {
        return at.isBefore(updatedAt) ? updatedAt : at;
    }

    private void require(OperationState expected, String transition) {
        if (state != expected) {
            throw new IllegalOperationTransition(id, state, transition);
        }
    }
}
