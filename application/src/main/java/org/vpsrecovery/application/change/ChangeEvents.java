package org.vpsrecovery.application.change;

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
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;

/**
 * The audit events of a pending change's approval steps (ADR 0043), as ADR 0040's for operations: the change
 * named in {@code approval_of} (never {@code attempt_id}), what it changes in {@code change_kind} and the
 * hold or policy it is about. Owed and written later as operations' are ({@code ApprovalStepEvents}).
 */
final class ChangeEvents {

    static final String CHANGE_KIND = AuditEvent.CHANGE_KIND;

    private ChangeEvents() {
    }

    /**
     * The event of {@code step}, made from the change as that step left it (its approval, its state), so the request
     * that took the step and the settle job, writing it later when it was owed, make the very same event.
     */
    static AuditEvent of(PendingChange change, ApprovalStep step) {
        Approval approval = change.approval();
        return switch (step.event()) {
            case REQUEST_APPROVAL -> step(Operation.REQUEST_APPROVAL, change, approval.requester(), step.requestId(),
                    new Outcome.Completed(), approval.requestedAt(), Optional.empty(),
                    "waits for a second person of the team until " + approval.expiresAt());
            case APPROVE_OPERATION, DENY_OPERATION -> {
                ApprovalDecision decision = approval.decision().orElseThrow();
                yield step(step.event(), change, decision.by(), step.requestId(), new Outcome.Completed(), decision.at(),
                        decision.reason(), decision.verdict() == Verdict.APPROVE
                                ? "approved; it is applied now" : "denied; nothing changes");
            }
            case EXPIRE_APPROVAL -> step(Operation.EXPIRE_APPROVAL, change, Actor.SYSTEM, step.requestId(),
                    new Outcome.Completed(), change.updatedAt(), Optional.empty(),
                    "no one approved or denied it by " + approval.expiresAt() + "; nothing changes");
            default -> {
                if (step.event() != change.kind()) {
                    throw new IllegalArgumentException(step.event() + " is not a step of a pending change's approval");
                }
                // An approved change given up, its try past its apply-by time having met a failure the platform did not
                // expect (ADR 0043, amended in session 48): the change's own kind, rejected for that, in its approver's
                // name, as an approved operation's give-up is (ADR 0040).
                yield step(change.kind(), change, approval.decision().orElseThrow().by(), step.requestId(),
                        new Outcome.Rejected(ReasonCode.INTERNAL_ERROR), change.updatedAt(), Optional.empty(),
                        change.note().orElseThrow());
            }
        };
    }

    static AuditEvent step(Operation step, PendingChange change, Actor actor, RequestId requestId, Outcome outcome,
                           Instant at, Optional<String> reason, String message) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(AuditEvent.APPROVAL_OF, change.id().toString());
        detail.put(AuditEvent.APPROVAL_EXPIRES_AT, change.approval().expiresAt().toString());
        detail.put(CHANGE_KIND, change.kind().name().toLowerCase(Locale.ROOT));
        change.hold().ifPresent(hold -> detail.put(AuditEvent.HOLD_ID, hold.toString()));
        change.policy().ifPresent(policy -> detail.put(AuditEvent.POLICY_ID, policy.toString()));
        change.policyVersion().ifPresent(version -> detail.put(AuditEvent.POLICY_VERSION, Long.toString(version)));
        if (step != Operation.REQUEST_APPROVAL) {
            detail.put(AuditEvent.REQUESTED_BY, change.approval().requester().subject());
        }
        reason.ifPresent(text -> detail.put(AuditEvent.APPROVAL_REASON, AuditEvent.detailValue(text)));
        detail.put(AuditEvent.MESSAGE, AuditEvent.detailValue(message));
        actor.into(detail);
        return new AuditEvent(at, change.team(), requestId, step, change.server(), change.point(), outcome,
                OptionalInt.empty(), detail);
    }

    /**
     * A request for a change refused before any change was made of it (only a person asks, ADR 0040): audited as
     * that change's own refusal, about nothing yet looked up.
     */
    static AuditEvent askRefused(Operation kind, TeamId team, Actor asker, RequestId requestId, Instant at,
                                 RecoveryException refused) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(AuditEvent.MESSAGE, AuditEvent.detailValue(refused.getMessage()));
        asker.into(detail);
        return new AuditEvent(at, team, requestId, kind, Optional.empty(), Optional.empty(),
                new Outcome.Rejected(refused.reason()), OptionalInt.empty(), detail);
    }
}
