package org.vpsrecovery.adapters.persistence;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.IdempotencyRecords;
import org.vpsrecovery.domain.port.contract.IdempotencyRecordsContract;
import org.vpsrecovery.domain.testing.AdjustableClock;

class JdbcIdempotencyRecordsContractTest extends IdempotencyRecordsContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @Override
    protected IdempotencyRecords emptyRecords(AdjustableClock clock) {
        return new JdbcIdempotencyRecords(DATABASE.anotherMigrated().dataSource(), clock);
    }
}
