package org.vpsrecovery.adapters.persistence.change;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.PendingChanges;
import org.vpsrecovery.domain.port.contract.PendingChangesContract;

/** The pending changes contract against PostgreSQL (V24), through the Micronaut Data repository as the service wires it. */
class PendingChangeRowsContractTest extends PendingChangesContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();
    @RegisterExtension
    static final AdapterContext.PerClass ADAPTERS = new AdapterContext.PerClass(DATABASE);

    @Override
    protected PendingChanges emptyChanges() {
        return ADAPTERS.emptied("pending_change", PendingChanges.class);
    }
}
