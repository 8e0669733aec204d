package org.vpsrecovery.application.operation;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;

public interface GetOperationUseCase {

    /** The operation as it stands, after waiting at most {@code wait} for it to become final. */
    default RecoveryOperation getOperation(AuditReader reader, OperationId id, Duration wait) {
        return getOperation(reader, id, wait, () -> true);
    }

    /**
     * As above, but the wait ends at its next look once {@code stillWanted} answers false (the caller has gone): the
     * operation is then answered as last read, to nobody, and the wait no longer reads the store for nobody.
     */
    RecoveryOperation getOperation(AuditReader reader, OperationId id, Duration wait, BooleanSupplier stillWanted);

    /** Whether an accepted attempt made this operation (a refused one makes none). */
    boolean exists(OperationId id);
}
