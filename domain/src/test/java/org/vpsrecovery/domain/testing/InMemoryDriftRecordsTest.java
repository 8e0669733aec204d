package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.port.DriftRecords;
import org.vpsrecovery.domain.port.contract.DriftRecordsContract;

class InMemoryDriftRecordsTest extends DriftRecordsContract {

    @Override
    protected DriftRecords emptyRecords() {
        return new InMemoryDriftRecords();
    }
}
