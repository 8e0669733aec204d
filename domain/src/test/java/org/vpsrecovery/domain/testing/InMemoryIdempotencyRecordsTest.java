package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.port.IdempotencyRecords;
import org.vpsrecovery.domain.port.contract.IdempotencyRecordsContract;

class InMemoryIdempotencyRecordsTest extends IdempotencyRecordsContract {

    @Override
    protected IdempotencyRecords emptyRecords(AdjustableClock clock) {
        return new InMemoryIdempotencyRecords(clock);
    }
}
