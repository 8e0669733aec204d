package org.vpsrecovery.bootstrap;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A UTC clock reading the instant a test keeps (a field it sets, a scheduler's settable clock), so that the code under
 * test and the test agree on when it is. The domain's AdjustableClock is not on this module's test path.
 */
final class SuppliedClock extends Clock {

    private final Supplier<Instant> now;

    SuppliedClock(Supplier<Instant> now) {
        this.now = Objects.requireNonNull(now, "now");
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
