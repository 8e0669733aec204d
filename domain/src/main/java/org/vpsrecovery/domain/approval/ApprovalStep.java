package org.vpsrecovery.domain.approval;

import java.util.Objects;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.RequestId;

/**
 * One step of an approval written to its operation before its audit event is (ADR 0040): the event's operation
 * name ({@code REQUEST_APPROVAL}, {@code APPROVE_OPERATION}, {@code DENY_OPERATION}, {@code EXPIRE_APPROVAL}, or the
 * operation's own kind when an approved run is given up) and the request the step was taken in. The store keeps
 * the step's event owed, in the same write, until the history has it: a crash between the two loses nothing.
 */
public record ApprovalStep(Operation event, RequestId requestId) {

    public ApprovalStep {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(requestId, "request id");
    }
}
