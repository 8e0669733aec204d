package org.vpsrecovery.application.approval;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.approval.ApprovalDecision;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.operation.OperationId;

/** A person of the team approves or denies {@code operation}; {@code reason} is theirs, optional. */
public record DecideApprovalCommand(CallContext context, OperationId operation, Verdict verdict, Optional<String> reason) {

    public DecideApprovalCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason (may be empty, not null)");
        if (reason.isPresent() && !ApprovalDecision.isReadable(reason.get())) {
            throw new IllegalArgumentException("reason must be 1-" + ApprovalDecision.MAX_REASON_LENGTH
                    + " characters, no control characters");
        }
    }
}
