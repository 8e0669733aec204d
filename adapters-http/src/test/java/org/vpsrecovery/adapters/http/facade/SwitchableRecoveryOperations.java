package org.vpsrecovery.adapters.http.facade;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.testing.ForwardingRecoveryOperations;

/**
 * The operations the facade reads, whose reads a test can make fail as a busy or absent database would: the next
 * look-up once, or every look-up while set.
 */
final class SwitchableRecoveryOperations extends ForwardingRecoveryOperations {

    private final AtomicReference<RuntimeException> nextFindFails = new AtomicReference<>();

    /** When set, every read of one operation throws it. */
    volatile RuntimeException findFails;

    SwitchableRecoveryOperations(RecoveryOperations operations) {
        super(operations);
    }

    void failNextFind(RuntimeException failure) {
        nextFindFails.set(failure);
    }

    @Override
    public Optional<RecoveryOperation> find(OperationId id) {
        RuntimeException failure = nextFindFails.getAndSet(null);
        if (failure == null) {
            failure = findFails;
        }
        if (failure != null) {
            throw failure;
        }
        return super.find(id);
    }
}
