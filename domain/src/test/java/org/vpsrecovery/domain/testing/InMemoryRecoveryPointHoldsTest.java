package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.contract.RecoveryPointHoldsContract;

class InMemoryRecoveryPointHoldsTest extends RecoveryPointHoldsContract {

    @Override
    protected RecoveryPointHolds emptyHolds() {
        return new InMemoryRecoveryPointHolds();
    }
}
