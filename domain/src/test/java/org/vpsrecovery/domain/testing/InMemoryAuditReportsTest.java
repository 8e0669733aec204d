package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.port.contract.AuditReportsContract;

class InMemoryAuditReportsTest extends AuditReportsContract {

    @Override
    protected Subject emptySubject() {
        InMemoryAuditHistory history = new InMemoryAuditHistory();
        return new Subject(history, new InMemoryAuditReports(history));
    }
}
