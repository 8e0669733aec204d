package org.vpsrecovery.domain.testing;

import java.time.Duration;
import org.vpsrecovery.domain.port.FairShare;
import org.vpsrecovery.domain.port.contract.FairShareContract;

class InMemoryFairShareTest extends FairShareContract {

    @Override
    protected FairShare[] twoInstances(AdjustableClock clock, Duration lease) {
        FairShare shared = new InMemoryFairShare(clock, lease);
        return new FairShare[] {shared, shared};
    }
}
