package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.port.contract.ChainPositionsContract;

class InMemoryChainPositionsTest extends ChainPositionsContract {

    @Override
    protected Subject emptySubject() {
        InMemoryAuditHistory history = new InMemoryAuditHistory();
        return new Subject(history, history);
    }
}
