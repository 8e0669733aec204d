package org.vpsrecovery.domain.webhook;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;

/**
 * What a team can subscribe to: one type per audit outcome worth telling a caller about. The
 * intent ({@code ACCEPTED}) is not sent: every change that goes on has a {@code submitted} or a
 * final event after it. The wire names are part of the public contract: add, never rename.
 */
public enum WebhookEventType {
    /** VPS.org took the change; it is followed to its end. */
    OPERATION_SUBMITTED("operation.submitted"),
    /** Established at VPS.org: the recovery point is completed, the deleted one gone, the restore window over. */
    OPERATION_COMPLETED("operation.completed"),
    /** It did not happen, or the recovery point failed or vanished at VPS.org. */
    OPERATION_FAILED("operation.failed"),
    /** VPS.org's answer was lost; tracking looks for the outcome. */
    OPERATION_UNRESOLVED("operation.unresolved"),
    /** No read of VPS.org can establish the outcome (a lost restore answer). */
    OPERATION_UNVERIFIABLE("operation.unverifiable"),
    /** VPS.org showed no end before the tracking deadline. */
    OPERATION_DEADLINE_PASSED("operation.deadline_passed"),
    /** The platform refused a request before VPS.org was called (a limit, a lifecycle rule). */
    REQUEST_REJECTED("request.rejected"),
    /** A scan found a recovery point at VPS.org that differs from the audit history (ADR 0035). */
    DRIFT_DETECTED("drift.detected"),
    /** A drift went away (ADR 0035). */
    DRIFT_RESOLVED("drift.resolved"),
    /** A restore or delete waits for a second person of the team (ADR 0040). */
    APPROVAL_REQUESTED("approval.requested"),
    /** A second person approved it; it runs (its own events follow). */
    APPROVAL_APPROVED("approval.approved"),
    /** A second person denied it; VPS.org was never asked. */
    APPROVAL_DENIED("approval.denied"),
    /** No one decided within the time limit; VPS.org was never asked. */
    APPROVAL_EXPIRED("approval.expired");

    private final String wireName;

    WebhookEventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static WebhookEventType fromWire(String name) {
        for (WebhookEventType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown event type; one of " + wireNames());
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(WebhookEventType::wireName).toList();
    }

    /** The type an audit event is sent as, if any. */
    public static Optional<WebhookEventType> of(AuditEvent event) {
        Outcome outcome = event.outcome();
        if (event.operation().isPolicy()) {
            return Optional.empty(); // a policy's own records are not operations (ADR 0028)
        }
        if (event.operation() == Operation.AUDIT_READ) {
            return Optional.empty(); // a read of the audit changed nothing (ADR 0034)
        }
        if (event.operation().isDrift()) {
            return Optional.of(event.operation() == Operation.DRIFT_DETECTED ? DRIFT_DETECTED : DRIFT_RESOLVED);
        }
        if (event.operation().isApproval() && outcome.kind() == Outcome.Kind.COMPLETED) {
            return Optional.of(switch (event.operation()) {
                case REQUEST_APPROVAL -> APPROVAL_REQUESTED;
                case APPROVE_OPERATION -> APPROVAL_APPROVED;
                case DENY_OPERATION -> APPROVAL_DENIED;
                default -> APPROVAL_EXPIRED;
            });
        }
        if ("true".equals(event.detail().get(AuditEvent.DRY_RUN))) {
            return Optional.empty(); // a dry run's refusal (e.g. not found) refused nothing real (ADR 0029)
        }
        return switch (outcome.kind()) {
            case ACCEPTED, PLANNED -> Optional.empty(); // a plan changed nothing
            case REJECTED -> Optional.of(REQUEST_REJECTED);
            case SUBMITTED -> Optional.of(OPERATION_SUBMITTED);
            case UNRESOLVED -> Optional.of(OPERATION_UNRESOLVED);
            case COMPLETED -> Optional.of(OPERATION_COMPLETED);
            case FAILED -> Optional.of(OPERATION_FAILED);
            case UNVERIFIABLE -> Optional.of(outcome.reasonCode().filter(ReasonCode.TRACKING_DEADLINE_PASSED::equals)
                    .isPresent() ? OPERATION_DEADLINE_PASSED : OPERATION_UNVERIFIABLE);
        };
    }
}
