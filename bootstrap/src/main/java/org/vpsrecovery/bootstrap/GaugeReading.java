package org.vpsrecovery.bootstrap;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a few gauges show, read from the database every {@code every} on a thread of its own, so every instance reports
 * the cluster's figures whichever runs the job they watch, and a scrape (served on the event loop) only reads the last
 * reading, never the database. A failed read keeps the last reading. The first read comes one period after start: with
 * the schema owner's login the schema may still be migrating (ADR 0025, session 49; the webhook dispatch backlog, then
 * the tracker's open operations, ADR 0024, amended in session 51).
 */
final class GaugeReading<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GaugeReading.class);

    private final String what;
    private final Supplier<T> read;
    private final ScheduledExecutorService reader;
    private volatile T latest;

    /**
     * {@code what}: named in the thread's name and the WARN of a failed read ("webhook-backlog");
     * {@code before}: what the gauges show until the first read.
     */
    GaugeReading(String what, Supplier<T> read, T before, Duration every) {
        this.what = Objects.requireNonNull(what, "what");
        this.read = Objects.requireNonNull(read, "read");
        this.latest = Objects.requireNonNull(before, "before");
        reader = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(what + "-reading").factory());
        reader.scheduleWithFixedDelay(this::read, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    T latest() {
        return latest;
    }

    private void read() {
        try {
            latest = read.get();
        } catch (RuntimeException e) {
            LOG.warn("could not read the {} for its gauges; they keep the last reading", what, e);
        }
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
