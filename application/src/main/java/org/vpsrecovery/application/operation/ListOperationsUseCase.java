package org.vpsrecovery.application.operation;

import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;

public interface ListOperationsUseCase {

    /**
     * A page of the operations the reader may see, newest first; {@code next} is the last one's id when more follow. The
     * query's {@code after} is found among those the reader may see, else 404 {@code OPERATION_NOT_FOUND}.
     */
    KeysetPage<RecoveryOperation, OperationId> listOperations(AuditReader reader, ListOperationsQuery query);

    /**
     * The operations not yet final within what the reader may see, newest first, at most {@code limit}
     * (1-{@value org.vpsrecovery.domain.port.RecoveryOperations#MAX_PAGE} minus one), whatever number of newer ones have
     * ended; and whether more are in flight.
     */
    OperationsInFlight listInFlight(AuditReader reader, int limit);
}
