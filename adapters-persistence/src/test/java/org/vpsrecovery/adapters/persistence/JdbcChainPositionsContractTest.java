package org.vpsrecovery.adapters.persistence;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.ChainPositions;
import org.vpsrecovery.domain.port.contract.ChainPositionsContract;

/** The contract against PostgreSQL, through the adapters as the service wires them. */
class JdbcChainPositionsContractTest extends ChainPositionsContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Override
    protected Subject emptySubject() {
        ApplicationContext context = contexts.on(DATABASE.anotherMigrated());
        return new Subject(context.getBean(AuditHistory.class), context.getBean(ChainPositions.class));
    }
}
