package org.vpsrecovery.adapters.persistence.drift;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.DriftRecords;
import org.vpsrecovery.domain.port.contract.DriftRecordsContract;

/** The drift records contract against PostgreSQL, through the Micronaut Data repositories as the service wires them. */
class DriftRowsContractTest extends DriftRecordsContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();
    @RegisterExtension
    static final AdapterContext.PerClass ADAPTERS = new AdapterContext.PerClass(DATABASE);

    @Override
    protected DriftRecords emptyRecords() {
        ADAPTERS.emptied("automatic_backup_sighting", DriftRecords.class);
        return ADAPTERS.emptied("recovery_point_drift", DriftRecords.class);
    }
}
