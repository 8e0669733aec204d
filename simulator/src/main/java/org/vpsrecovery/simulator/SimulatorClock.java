package org.vpsrecovery.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * The simulator's notion of now: a base clock plus an offset that tests (or the admin endpoint)
 * move forward, so that "in progress turns completed after N seconds" is testable without waiting.
 */
public final class SimulatorClock extends Clock {

    private final Clock base;
    private volatile Duration offset = Duration.ZERO;

    public SimulatorClock(Clock base) {
        this.base = Objects.requireNonNull(base, "base clock");
    }

    public static SimulatorClock system() {
        return new SimulatorClock(Clock.systemUTC());
    }

    /** A clock standing still at {@code instant}, until advanced. */
    public static SimulatorClock fixedAt(Instant instant) {
        return new SimulatorClock(Clock.fixed(instant, ZoneOffset.UTC));
    }

    public synchronized void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the simulator's clock only moves forward");
        }
        offset = offset.plus(by);
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulator runs in UTC");
    }
}
