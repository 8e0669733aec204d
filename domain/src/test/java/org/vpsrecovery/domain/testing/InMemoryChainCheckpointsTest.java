package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.port.ChainCheckpoints;
import org.vpsrecovery.domain.port.contract.ChainCheckpointsContract;

class InMemoryChainCheckpointsTest extends ChainCheckpointsContract {

    @Override
    protected ChainCheckpoints emptyCheckpoints() {
        return new InMemoryChainCheckpoints();
    }
}
