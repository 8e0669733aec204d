package org.vpsrecovery.application.approval;

import org.vpsrecovery.domain.operation.RecoveryOperation;

/**
 * A second person of the team approves or denies an operation waiting for approval (ADR 0040). An
 * approved one runs at once (its policies again, under the lock, then VPS.org); the answer is the
 * operation as it stands after that.
 */
public interface DecideApprovalUseCase {

    RecoveryOperation decide(DecideApprovalCommand command);
}
