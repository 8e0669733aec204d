package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.contract.AuditHistoryContract;

class InMemoryAuditHistoryTest extends AuditHistoryContract {

    @Override
    protected AuditHistory emptyHistory() {
        return new InMemoryAuditHistory();
    }
}
