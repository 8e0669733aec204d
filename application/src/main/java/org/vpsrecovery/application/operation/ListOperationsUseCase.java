package org.vpsrecovery.application.operation;

import java.util.List;
import java.util.Optional;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.server.ServerId;

public interface ListOperationsUseCase {

    /** Newest first, within what the reader may see. */
    List<RecoveryOperation> listOperations(AuditReader reader, Optional<ServerId> server,
                                           Optional<OperationState> state, int limit);

    /**
     * The operations not yet final within what the reader may see, newest first, at most {@code limit}
     * (1-{@value org.vpsrecovery.domain.port.RecoveryOperations#MAX_PAGE} minus one), whatever number of newer ones have
     * ended; and whether more are in flight.
     */
    OperationsInFlight listInFlight(AuditReader reader, int limit);
}
