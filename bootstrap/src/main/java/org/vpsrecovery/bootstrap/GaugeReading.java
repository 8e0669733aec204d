package org.vpsrecovery.bootstrap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What a few gauges show, read from the database every {@code every} on a thread of its own, so every instance reports
 * the cluster's figures whichever runs the job they watch, and a scrape (served on the event loop) only reads the last
 * reading, never the database. A failed read keeps the last reading. The first read comes one period after start: with
 * the schema owner's login the schema may still be migrating (ADR 0025, session 49; the webhook dispatch backlog, then
 * the tracker's open operations, ADR 0024, amended in session 51).
 */
final class GaugeReading<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GaugeReading.class);
    static final String LAST_READ = "vpsr.gauge.last_read_timestamp_seconds";

    private final String what;
    private final Supplier<T> read;
    private final ScheduledExecutorService reader;
    private final LoopFailureLines failures;
    private final Clock clock;
    private volatile T latest;
    /** When the last read succeeded, on the wall clock; empty until the first. */
    private volatile Optional<Instant> readAt = Optional.empty();

    /**
     * {@code what}: named in the thread's name and the WARN of a failed read ("webhook-backlog");
     * {@code before}: what the gauges show until the first read.
     */
    GaugeReading(String what, Supplier<T> read, T before, Duration every) {
        this(what, read, before, every, Clock.systemUTC(), System::nanoTime);
    }

    /** {@code clock}: when a read succeeded, for its gauge; {@code nanoTime}: the failures' lines ({@link LoopFailureLines}). */
    GaugeReading(String what, Supplier<T> read, T before, Duration every, Clock clock, LongSupplier nanoTime) {
        this.what = Objects.requireNonNull(what, "what");
        this.read = Objects.requireNonNull(read, "read");
        this.latest = Objects.requireNonNull(before, "before");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.failures = new LoopFailureLines(LOG, Level.WARN, "reading the " + what + " for its gauges (they keep the last "
                + "reading)", nanoTime);
        reader = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(what + "-reading").factory());
        reader.scheduleWithFixedDelay(this::read, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * {@value #LAST_READ}{@code {what}}: when the last read succeeded, in seconds since the epoch (0 before the first), so
     * that gauges still showing an old reading while the database is out of reach can be told (ADR 0024, session 53).
     */
    GaugeReading<T> withLastReadGauge(MeterRegistry registry) {
        Gauge.builder(LAST_READ, this, r -> r.readAt.map(at -> at.toEpochMilli() / 1000.0).orElse(0.0)).tag("what", what)
                .description("When the gauges' last read from the database succeeded, seconds since the epoch; 0 "
                        + "before the first").register(registry);
        return this;
    }

    T latest() {
        return latest;
    }

    /** One read; a failed one keeps the last reading, and its failures are said as an outage (no trace each time). */
    void read() {
        try {
            latest = read.get();
            readAt = Optional.of(clock.instant());
        } catch (RuntimeException e) {
            failures.failed(e);
            return;
        }
        failures.worked();
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
