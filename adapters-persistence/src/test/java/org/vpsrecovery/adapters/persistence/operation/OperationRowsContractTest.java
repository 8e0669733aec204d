package org.vpsrecovery.adapters.persistence.operation;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.contract.RecoveryOperationsContract;

/** The operations contract against PostgreSQL, through the Micronaut Data repository as the service wires it. */
class OperationRowsContractTest extends RecoveryOperationsContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();
    @RegisterExtension
    static final AdapterContext.PerClass ADAPTERS = new AdapterContext.PerClass(DATABASE);

    @Override
    protected RecoveryOperations emptyOperations() {
        return ADAPTERS.emptied("recovery_operation", RecoveryOperations.class);
    }
}
