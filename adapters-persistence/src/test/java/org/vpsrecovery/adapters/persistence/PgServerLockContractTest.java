package org.vpsrecovery.adapters.persistence;

import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.contract.ServerLockContract;
import org.vpsrecovery.domain.server.ServerId;

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

    @Override
    protected boolean waiterIsWaiting(Thread waiter, ServerId server) {
        // The two instances' sessions are the database's; only it knows one waits (pg_locks: not granted).
        try {
            return PgServerLockTest.advisoryLockWaitersOn(DATABASE.dataSource(), server) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
