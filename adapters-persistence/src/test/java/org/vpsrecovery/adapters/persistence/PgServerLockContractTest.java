package org.vpsrecovery.adapters.persistence;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.contract.ServerLockContract;
import org.vpsrecovery.domain.server.ServerId;

/** Two lock instances over two separate DataSources: two service instances sharing one database. */
class PgServerLockContractTest extends ServerLockContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    /** The instances a test made, closed after it: none leaves its keep-alive thread behind in the test JVM. */
    private final List<PgServerLock> instances = new CopyOnWriteArrayList<>();

    @Override
    protected ServerLock[] twoInstances(Duration maxWait) {
        PgServerLock one = new PgServerLock(DATABASE.dataSource(), maxWait);
        PgServerLock other = new PgServerLock(DATABASE.dataSource(), maxWait);
        instances.addAll(List.of(one, other));
        return new ServerLock[] {one, other};
    }

    @AfterEach
    void closeTheInstances() {
        instances.forEach(PgServerLock::close);
    }

    @Override
    protected boolean waiterIsWaiting(Thread waiter, ServerId server) {
        // The two instances' sessions are the database's; only it knows one waits (pg_locks: not granted).
        try {
            return ServerLockSessions.waiting(DATABASE.dataSource(), server) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
