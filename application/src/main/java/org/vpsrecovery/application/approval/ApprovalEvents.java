package org.vpsrecovery.application.approval;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.operation.RecoveryOperation;

/**
 * The audit events of an approval's steps (ADR 0040): about the operation's server and point, naming
 * the operation in {@code approval_of} (never {@code attempt_id}: they are not attempts of their own,
 * so the tracker and the reconciler never take them for the operation's end).
 */
final class ApprovalEvents {

    private ApprovalEvents() {
    }

    static AuditEvent step(Operation step, RecoveryOperation operation, Actor actor, RequestId requestId, Outcome outcome,
                           Instant at, Optional<String> reason, String message) {
        Approval approval = operation.approval().orElseThrow();
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(AuditEvent.APPROVAL_OF, operation.id().toString());
        detail.put(AuditEvent.APPROVAL_EXPIRES_AT, approval.expiresAt().toString());
        if (step != Operation.REQUEST_APPROVAL) {
            detail.put(AuditEvent.REQUESTED_BY, approval.requester().subject());
        }
        reason.ifPresent(text -> detail.put(AuditEvent.APPROVAL_REASON, AuditEvent.detailValue(text)));
        detail.put(AuditEvent.MESSAGE, AuditEvent.detailValue(message));
        actor.into(detail);
        return new AuditEvent(at, operation.team(), requestId, step, Optional.of(operation.server()),
                operation.resource(), outcome, OptionalInt.empty(), detail);
    }
}
