package org.vpsrecovery.application.operation;

import java.time.Duration;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;

public interface GetOperationUseCase {

    /** The operation as it stands, after waiting at most {@code wait} for it to become final. */
    RecoveryOperation getOperation(AuditReader reader, OperationId id, Duration wait);

    /** Whether an accepted attempt made this operation (a refused one makes none). */
    boolean exists(OperationId id);
}
