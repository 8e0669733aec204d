package org.vpsrecovery.adapters.persistence.policy;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.port.contract.RecoveryPoliciesContract;

/** The policies contract against PostgreSQL, through the Micronaut Data repository as the service wires it. */
class PolicyRowsContractTest extends RecoveryPoliciesContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();
    @RegisterExtension
    static final AdapterContext.PerClass ADAPTERS = new AdapterContext.PerClass(DATABASE);

    @Override
    protected RecoveryPolicies emptyPolicies() {
        return ADAPTERS.emptied("recovery_policy", RecoveryPolicies.class);
    }
}
