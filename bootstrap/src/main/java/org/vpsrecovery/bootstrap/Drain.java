package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.server.HttpServerConfiguration;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.vpsrecovery.adapters.http.provider.ProviderDeadline;

/**
 * Whether this instance is draining, and how many requests it is still answering. A drain begins
 * at SIGTERM or SIGINT ({@link DrainOnStopSignal}): readiness goes DOWN ({@link InstanceReadiness}), new requests
 * are answered 503 with Retry-After ({@link DrainFilter}), and the stop waits until the ones in
 * flight have been answered, within {@link #timeout()}: by default as long as a request's VPS.org calls may take
 * (two thirds of {@code micronaut.server.idle-timeout}, {@link ProviderDeadline}), so that a stop never closes the
 * VPS.org client under a call that would have ended; a shorter {@code vpsr.shutdown.drain-timeout} is refused at the
 * start (ADR 0038, amended in session 46). A request is in flight until its answer's body has ended (or broken off) or
 * its client has gone, not only until its status line is sent: an answer streamed as it is read (the CSV export, a
 * large summary) keeps reading PostgreSQL after that, and the stop would close the pool under it (ADR 0038, amended in
 * session 56).
 */
@Singleton
public class Drain {

    private final Duration minimum;
    private final Duration timeout;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Of those, the ones answered whose body is still being sent. */
    private final AtomicInteger sendingBody = new AtomicInteger();
    private final List<Runnable> onBegin = new CopyOnWriteArrayList<>();
    private volatile boolean draining;

    /** Where a request's VPS.org calls have no deadline (no idle timeout): the drain's wait at the default idle timeout. */
    static final Duration WITHOUT_A_REQUEST_DEADLINE = Duration.ofSeconds(60);

    @Inject
    public Drain(@Value("${vpsr.shutdown.drain-delay:2s}") Duration minimum,
                 @Nullable @Property(name = "vpsr.shutdown.drain-timeout") Duration timeout,
                 HttpServerConfiguration server) {
        this(minimum, timeoutFor(Optional.ofNullable(timeout), server.getIdleTimeout(), minimum));
    }

    Drain(Duration minimum, Duration timeout) {
        if (minimum.isNegative() || timeout.compareTo(minimum) < 0) {
            throw new IllegalArgumentException("vpsr.shutdown.drain-delay must be between 0 and vpsr.shutdown.drain-timeout");
        }
        this.minimum = minimum;
        this.timeout = timeout;
    }

    /**
     * The longest a drain waits: {@code set}, or else as long as a request's VPS.org calls may take, two thirds of the
     * idle timeout ({@link ProviderDeadline#budgetWithin}): every request in flight at the SIGTERM arrived before it, so
     * its calls have ended by then, and none is cut by the VPS.org client closing after the drain. A set timeout
     * shorter than that is refused: it would cut calls that may still be answered, and their callers would be told
     * VPS.org did not answer when the stop closed the client under them (ADR 0038, amended in session 46).
     */
    static Duration timeoutFor(Optional<Duration> set, Duration idleTimeout, Duration minimum) {
        Optional<Duration> callsBudget = ProviderDeadline.budgetWithin(idleTimeout);
        if (set.isPresent()) {
            callsBudget.filter(budget -> set.get().compareTo(budget) < 0).ifPresent(budget -> {
                throw new IllegalArgumentException("vpsr.shutdown.drain-timeout (" + set.get().toMillis()
                        + " ms) must not be shorter than two thirds of micronaut.server.idle-timeout (" + budget.toMillis()
                        + " ms of " + idleTimeout.toMillis() + " ms): a request in flight at a stop may wait that long "
                        + "for VPS.org, and a shorter drain would close the VPS.org client under its call "
                        + "(leave it unset to take that)");
            });
            return set.get();
        }
        Duration wait = callsBudget.orElse(WITHOUT_A_REQUEST_DEADLINE);
        // A drain delay set above it (a balancer slow to notice) is waited in any case.
        return wait.compareTo(minimum) < 0 ? minimum : wait;
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

    /** Called by {@link DrainOnStopSignal}; public for the end-to-end tests. */
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

    /** A request admitted: counted until {@link #ended}. */
    InFlightRequest requestStarted() {
        inFlight.incrementAndGet();
        return new InFlightRequest();
    }

    /** Its status and headers are on their way; its body may still be being sent. */
    void answered(InFlightRequest request) {
        synchronized (request) {
            if (request.answered || request.ended) {
                return;
            }
            request.answered = true;
            sendingBody.incrementAndGet();
        }
    }

    /** Its answer's body has ended or broken off, or its client has gone: no longer counted (once only). */
    void ended(InFlightRequest request) {
        synchronized (request) {
            if (request.ended) {
                return;
            }
            request.ended = true;
            if (request.answered) {
                sendingBody.decrementAndGet();
            }
            inFlight.decrementAndGet();
        }
    }

    /** One request the drain counts, from its admission until its answer has ended or its client has gone. */
    static final class InFlightRequest {
        private boolean answered;
        private boolean ended;

        private InFlightRequest() {
        }
    }

    /**
     * What a drain left in flight when it gave up: {@code requests}, of which {@code sendingBody} were answered and still
     * sending their body (a streamed export or summary), which the stop cuts (their clients get no end).
     */
    public record Left(int requests, int sendingBody) {
        public static final Left NONE = new Left(0, 0);
    }

    /**
     * Waits at least the drain delay (so that a load balancer probing readiness, or learning from the
     * 503s, stops sending here), then until no request is in flight, its body included, at most the timeout.
     * Answers what was still in flight when it gave up ({@link Left#NONE}: all answered). Public for the end-to-end tests.
     */
    public Left awaitIdle() throws InterruptedException {
        long start = System.nanoTime();
        long earliest = start + minimum.toNanos();
        long latest = start + timeout.toNanos();
        while (true) {
            long now = System.nanoTime();
            if (now >= earliest && inFlight.get() <= 0 || now >= latest) {
                int requests = Math.max(0, inFlight.get());
                return requests == 0 ? Left.NONE : new Left(requests, Math.min(requests, Math.max(0, sendingBody.get())));
            }
            Thread.sleep(20);
        }
    }
}
