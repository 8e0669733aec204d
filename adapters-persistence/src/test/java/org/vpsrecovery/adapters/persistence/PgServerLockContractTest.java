package org.vpsrecovery.adapters.persistence;

import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.contract.ServerLockContract;

/** Two lock instances over two separate DataSources: two service instances sharing one database. */
class PgServerLockContractTest extends ServerLockContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @Override
    protected ServerLock[] twoInstances(Duration maxWait) {
        return new ServerLock[] {
                new PgServerLock(DATABASE.dataSource(), maxWait),
                new PgServerLock(DATABASE.dataSource(), maxWait)};
    }
}
