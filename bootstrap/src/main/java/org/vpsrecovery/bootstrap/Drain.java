package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether this instance is draining, and how many requests it is still answering. A drain begins
 * at SIGTERM ({@link DrainOnSigterm}): readiness goes DOWN ({@link InstanceReadiness}), new requests
 * are answered 503 with Retry-After ({@link DrainFilter}), and the stop waits until the ones in
 * flight have been answered, within {@link #timeout()}. ADR 0038.
 */
@Singleton
public class Drain {

    private final Duration minimum;
    private final Duration timeout;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Runnable> onBegin = new CopyOnWriteArrayList<>();
    private volatile boolean draining;

    public Drain(@Value("${vpsr.shutdown.drain-delay:2s}") Duration minimum,
                 @Value("${vpsr.shutdown.drain-timeout:20s}") Duration timeout) {
        if (minimum.isNegative() || timeout.compareTo(minimum) < 0) {
            throw new IllegalArgumentException("vpsr.shutdown.drain-delay must be between 0 and vpsr.shutdown.drain-timeout");
        }
        this.minimum = minimum;
        this.timeout = timeout;
    }

    public boolean isDraining() {
        return draining;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** The longest a drain waits for requests in flight. */
    public Duration timeout() {
        return timeout;
    }

    /** Called by {@link DrainOnSigterm}; public for the end-to-end tests. */
    public void begin() {
        draining = true;
        onBegin.forEach(Runnable::run);
    }

    /**
     * {@code action} (which may run twice) runs when the drain begins: what would otherwise keep a request in flight
     * past the drain (a long poll) is ended by it. A bean made after the drain began runs it at once.
     */
    void whenBegun(Runnable action) {
        onBegin.add(action);
        if (draining) {
            action.run();
        }
    }

    void requestStarted() {
        inFlight.incrementAndGet();
    }

    void requestEnded() {
        inFlight.decrementAndGet();
    }

    /**
     * Waits at least the drain delay (so that a load balancer probing readiness, or learning from the
     * 503s, stops sending here), then until no request is in flight, at most the timeout.
     * Returns how many were still in flight when it gave up (0: all answered).
     */
    int awaitIdle() throws InterruptedException {
        long start = System.nanoTime();
        long earliest = start + minimum.toNanos();
        long latest = start + timeout.toNanos();
        while (true) {
            long now = System.nanoTime();
            if (now >= earliest && inFlight.get() <= 0 || now >= latest) {
                return Math.max(0, inFlight.get());
            }
            Thread.sleep(20);
        }
    }
}
