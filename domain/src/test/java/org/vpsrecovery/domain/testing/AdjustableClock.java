package org.vpsrecovery.domain.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** A UTC clock that tests move by hand, thread-safely. */
public final class AdjustableClock extends Clock {

    private final AtomicReference<Instant> now;

    public AdjustableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void advance(Duration by) {
        now.updateAndGet(t -> t.plus(by));
    }

    /** Sets the clock to {@code instant}: for a test whose steps each run at a time it names. */
    public void setTo(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    /**
     * A ticker (nanoseconds, as {@link System#nanoTime()}) that moves as this clock does: for what production counts
     * on the monotonic ticker, in a test that moves time by hand (a run's budget spent while VPS.org answers slowly).
     */
    public long nanoTime() {
        Instant at = now.get();
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
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
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException("an adjustable clock stays in UTC");
        }
        return this;
    }
}
