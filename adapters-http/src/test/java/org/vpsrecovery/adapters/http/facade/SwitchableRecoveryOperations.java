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
    private final AtomicReference<RuntimeException> laterFindFails = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger findsBeforeFailing = new java.util.concurrent.atomic.AtomicInteger();

    /** When set, every read of one operation throws it. */
    volatile RuntimeException findFails;

    SwitchableRecoveryOperations(RecoveryOperations operations) {
        super(operations);
    }

    void failNextFind(RuntimeException failure) {
        nextFindFails.set(failure);
    }

    /** The next {@code finds} look-ups read as usual; the one after them throws {@code failure}, once. */
    void failFindAfter(int finds, RuntimeException failure) {
        findsBeforeFailing.set(finds);
        laterFindFails.set(failure);
    }

    @Override
    public Optional<RecoveryOperation> find(OperationId id) {
        if (laterFindFails.get() != null && findsBeforeFailing.getAndDecrement() == 0) {
            throw laterFindFails.getAndSet(null);
        }
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
