package org.vpsrecovery.adapters.persistence.hold;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.contract.RecoveryPointHoldsContract;

/** The holds contract against PostgreSQL, through the Micronaut Data repository as the service wires it. */
class HoldRowsContractTest extends RecoveryPointHoldsContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();
    @RegisterExtension
    static final AdapterContext.PerClass ADAPTERS = new AdapterContext.PerClass(DATABASE);

    @Override
    protected RecoveryPointHolds emptyHolds() {
        return ADAPTERS.emptied("recovery_point_hold", RecoveryPointHolds.class);
    }
}
