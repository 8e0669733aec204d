package org.vpsrecovery.adapters.persistence;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.port.contract.AuditReportsContract;

/** The contract against PostgreSQL, through the adapters as the service wires them. */
class JdbcAuditReportsContractTest extends AuditReportsContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Override
    protected Subject emptySubject() {
        ApplicationContext context = contexts.on(DATABASE.anotherMigrated());
        return new Subject(context.getBean(AuditHistory.class), context.getBean(AuditReports.class));
    }
}
