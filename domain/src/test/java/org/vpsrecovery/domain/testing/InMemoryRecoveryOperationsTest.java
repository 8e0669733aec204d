package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.contract.RecoveryOperationsContract;

class InMemoryRecoveryOperationsTest extends RecoveryOperationsContract {

    @Override
    protected RecoveryOperations emptyOperations() {
        return new InMemoryRecoveryOperations();
    }
}
