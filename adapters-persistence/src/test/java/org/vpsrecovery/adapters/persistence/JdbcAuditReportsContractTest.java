package org.vpsrecovery.adapters.persistence;

import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.contract.AuditReportsContract;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

class JdbcAuditReportsContractTest extends AuditReportsContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @Override
    protected Subject emptySubject() {
        DataSource dataSource = DATABASE.anotherMigrated().dataSource();
        return new Subject(new JdbcAuditHistory(dataSource, new PlainTextWebhookFormat()), new JdbcAuditReports(dataSource));
    }
}
