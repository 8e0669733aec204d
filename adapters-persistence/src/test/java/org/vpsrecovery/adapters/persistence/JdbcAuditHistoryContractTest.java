package org.vpsrecovery.adapters.persistence;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.contract.AuditHistoryContract;

/** The contract against PostgreSQL, through the adapter as the service wires it (a fresh database each test). */
class JdbcAuditHistoryContractTest extends AuditHistoryContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Override
    protected AuditHistory emptyHistory() {
        return contexts.on(DATABASE.anotherMigrated()).getBean(AuditHistory.class);
    }
}
