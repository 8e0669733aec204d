package org.vpsrecovery.domain.testing;

import java.time.Duration;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.contract.ServerLockContract;

class InMemoryServerLockTest extends ServerLockContract {

    @Override
    protected ServerLock[] twoInstances(Duration maxWait) {
        // One JVM: two "instances" share the same lock table, as two threads of one service would.
        InMemoryServerLock shared = new InMemoryServerLock(maxWait);
        return new ServerLock[] {shared, shared};
    }
}
