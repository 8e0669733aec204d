package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.port.KeptAuditEvents;
import org.vpsrecovery.domain.port.contract.KeptAuditEventsContract;

class InMemoryKeptAuditEventsTest extends KeptAuditEventsContract {

    @Override
    protected KeptAuditEvents emptyStore() {
        return new InMemoryKeptAuditEvents();
    }
}
