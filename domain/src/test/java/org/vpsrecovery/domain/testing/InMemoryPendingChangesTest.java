package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.port.PendingChanges;
import org.vpsrecovery.domain.port.contract.PendingChangesContract;

class InMemoryPendingChangesTest extends PendingChangesContract {

    @Override
    protected PendingChanges emptyChanges() {
        return new InMemoryPendingChanges();
    }
}
