package org.vpsrecovery.adapters.http.facade;

import java.util.Optional;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.testing.ForwardingRecoveryOperations;

/** The operations the facade reads, whose reads a test can make fail as a database out of reach would. */
final class SwitchableRecoveryOperations extends ForwardingRecoveryOperations {

    /** When set, every read of one operation throws it. */
    volatile RuntimeException findFails;

    SwitchableRecoveryOperations(RecoveryOperations operations) {
        super(operations);
    }

    @Override
    public Optional<RecoveryOperation> find(OperationId id) {
        RuntimeException failure = findFails;
        if (failure != null) {
            throw failure;
        }
        return super.find(id);
    }
}
