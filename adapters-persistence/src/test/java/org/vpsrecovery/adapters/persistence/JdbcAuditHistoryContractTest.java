package org.vpsrecovery.adapters.persistence;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.contract.AuditHistoryContract;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

class JdbcAuditHistoryContractTest extends AuditHistoryContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @Override
    protected AuditHistory emptyHistory() {
        return new JdbcAuditHistory(DATABASE.anotherMigrated().dataSource(), new PlainTextWebhookFormat());
    }
}
