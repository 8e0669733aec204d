package org.vpsrecovery.domain.testing;

import java.time.Duration;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.contract.ServerLockContract;
import org.vpsrecovery.domain.server.ServerId;

class InMemoryServerLockTest extends ServerLockContract {

    @Override
    protected ServerLock[] twoInstances(Duration maxWait) {
        // One JVM: two "instances" share the same lock table, as two threads of one service would.
        InMemoryServerLock shared = new InMemoryServerLock(maxWait);
        return new ServerLock[] {shared, shared};
    }

    @Override
    protected boolean waiterIsWaiting(Thread waiter, ServerId server) {
        // Parked in the lock's timed tryLock: the one timed wait on the waiter's path.
        return waiter.getState() == Thread.State.TIMED_WAITING;
    }
}
