package org.vpsrecovery.application.approval;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.ApprovalDecision;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.operation.PauseHold;
import org.vpsrecovery.domain.operation.RecoveryOperation;

/**
 * The audit events of an approval's steps (ADR 0040): about the operation's server and point, naming
 * the operation in {@code approval_of} (never {@code attempt_id}: they are not attempts of their own,
 * so the tracker and the reconciler never take them for the operation's end), its kind in {@code approval_kind} and, for
 * a restore, {@code skip_safety_snapshot}.
 */
final class ApprovalEvents {

    /** The start of the note (and event message) of an approved run given up while the pause held it back: words only. */
    static final String GAVE_UP_WHILE_PAUSED = PauseHold.GIVEN_UP_WHILE_HELD.noteStart();

    private ApprovalEvents() {
    }

    /**
     * The event of {@code step}, made from the operation as that step left it (its approval, its state), so the
     * request that took the step and the settle job, writing it later when it was owed, make the very same event.
     */
    static AuditEvent of(RecoveryOperation operation, ApprovalStep step) {
        Approval approval = operation.approval().orElseThrow();
        Actor requester = approval.requester();
        return switch (step.event()) {
            case REQUEST_APPROVAL -> step(Operation.REQUEST_APPROVAL, operation, requester, step.requestId(),
                    new Outcome.Completed(), approval.requestedAt(), Optional.empty(),
                    "waits for a second person of the team until " + approval.expiresAt());
            case APPROVE_OPERATION, DENY_OPERATION -> {
                ApprovalDecision decision = approval.decision().orElseThrow();
                yield step(step.event(), operation, decision.by(), step.requestId(), new Outcome.Completed(),
                        decision.at(), decision.reason(), decision.verdict() == Verdict.APPROVE
                                ? "approved; it runs now" : "denied; VPS.org is not asked");
            }
            case EXPIRE_APPROVAL -> step(Operation.EXPIRE_APPROVAL, operation, Actor.SYSTEM, step.requestId(),
                    new Outcome.Completed(), operation.updatedAt(), Optional.empty(),
                    "no one approved or denied it by " + approval.expiresAt() + "; VPS.org is not asked");
            default -> {
                if (step.event() != operation.kind()) {
                    throw new IllegalArgumentException(step.event() + " is not a step of " + operation.kind());
                }
                // An approved run refused when it came to run (its policies again), or given up: the operation's own
                // kind, rejected, in its approver's name. The reason is the operation's field, never its note's words
                // (ADR 0040, amended in session 56).
                Optional<ReasonCode> refused = operation.refusedOnRunFor();
                yield step(operation.kind(), operation, approval.decision().orElseThrow().by(), step.requestId(),
                        new Outcome.Rejected(refused.orElse(ReasonCode.PLATFORM_UNAVAILABLE)), operation.updatedAt(),
                        Optional.empty(), refused.isPresent()
                                ? operation.note().orElseGet(() -> RecoveryOperation.REFUSED_ON_RUN_NOTE_START + refused.get().name())
                                : gaveUp(operation));
            }
        };
    }

    /**
     * Why an approved run was given up, its run-by time passed. Held back by the pause after a database restore (or
     * given up so already: the settle job makes the event again from the stored row), the pause is named, not the server
     * or VPS.org; the reason code stays the one the history knows (ADR 0043, amended in session 53). A run no longer held
     * ({@link PauseHold#NO_LONGER_HELD}), even given up by a paused instance of a mixed fleet, gives the ordinary reason:
     * an instance without the pause had it to run and could not start it, so the pause alone did not keep it, and the
     * give-up agrees with the note last shown (ADR 0043, amended in session 54). Decided from the operation's hold, never
     * from its note's words (session 55).
     */
    static String gaveUp(RecoveryOperation approved) {
        if (approved.pauseHold() == PauseHold.HELD_BACK || approved.pauseHold() == PauseHold.GIVEN_UP_WHILE_HELD) {
            return GAVE_UP_WHILE_PAUSED + approved.deadline() + " passed; VPS.org was not asked; ask again once the "
                    + "service runs without the pause";
        }
        return gaveUpForTheOrdinaryReasons(approved);
    }

    /** Why an approved run was given up when no pause held it: the server busy or VPS.org unavailable. */
    static String gaveUpForTheOrdinaryReasons(RecoveryOperation approved) {
        return "approved, but it could not start by " + approved.deadline() + " (the server busy or VPS.org "
                + "unavailable); ask again";
    }

    /**
     * {@code operation}'s approval's facts, none but its kind when it never waited for approval (a decision on it is
     * refused {@code APPROVAL_NOT_REQUIRED}, audited all the same).
     */
    static AuditEvent step(Operation step, RecoveryOperation operation, Actor actor, RequestId requestId, Outcome outcome,
                           Instant at, Optional<String> reason, String message) {
        Optional<Approval> approval = operation.approval();
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(AuditEvent.APPROVAL_OF, operation.id().toString());
        approval.ifPresent(asked -> detail.put(AuditEvent.APPROVAL_EXPIRES_AT, asked.expiresAt().toString()));
        // What was asked, from the row alone, so an owed event made later is the same event (ADR 0040, session 51).
        detail.put(AuditEvent.APPROVAL_KIND, operation.kind().name().toLowerCase(Locale.ROOT));
        if (operation.kind().isRestore() && approval.isPresent()) {
            detail.put(AuditEvent.SKIP_SAFETY_SNAPSHOT, Boolean.toString(approval.get().skipSafetySnapshot()));
        }
        if (step != Operation.REQUEST_APPROVAL && approval.isPresent()) {
            detail.put(AuditEvent.REQUESTED_BY, approval.get().requester().subject());
        }
        reason.ifPresent(text -> detail.put(AuditEvent.APPROVAL_REASON, AuditEvent.detailValue(text)));
        detail.put(AuditEvent.MESSAGE, AuditEvent.detailValue(message));
        actor.into(detail);
        return new AuditEvent(at, operation.team(), requestId, step, Optional.of(operation.server()),
                operation.resource(), outcome, OptionalInt.empty(), detail);
    }
}
