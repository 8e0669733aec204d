package org.vpsrecovery.adapters.http.facade;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.testing.ForwardingRecoveryOperations;

/** The operations the facade reads, whose next look-up can be made to fail once, as a busy or absent database would. */
final class SwitchableRecoveryOperations extends ForwardingRecoveryOperations {

    private final AtomicReference<RuntimeException> nextFindFails = new AtomicReference<>();

    SwitchableRecoveryOperations(RecoveryOperations operations) {
        super(operations);
    }

    void failNextFind(RuntimeException failure) {
        nextFindFails.set(failure);
    }

    @Override
    public Optional<RecoveryOperation> find(OperationId id) {
        RuntimeException failure = nextFindFails.getAndSet(null);
        if (failure != null) {
            throw failure;
        }
        return super.find(id);
    }
}
