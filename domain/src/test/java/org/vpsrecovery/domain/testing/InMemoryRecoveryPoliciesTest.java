package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.port.contract.RecoveryPoliciesContract;

class InMemoryRecoveryPoliciesTest extends RecoveryPoliciesContract {

    @Override
    protected RecoveryPolicies emptyPolicies() {
        return new InMemoryRecoveryPolicies();
    }
}
