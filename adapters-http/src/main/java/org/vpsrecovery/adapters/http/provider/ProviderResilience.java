package org.vpsrecovery.adapters.http.provider;

import dev.failsafe.Bulkhead;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.port.ProviderFailure.NotSent;

/**
 * Failsafe policies around provider calls (ADR 0010). Safe calls (reads, deletes) are retried with
 * capped exponential backoff and jitter, waiting at least the provider's {@code Retry-After}; calls
 * that change state (creates, restores) are made once. One circuit breaker guards every call: while
 * it is open nothing is sent, so even a create refused by it certainly did not happen. A bulkhead
 * bounds the requests in flight to the pool's connections, how long a request waits for one and how
 * many may wait: a slow provider makes callers fail fast instead of queueing without limit. A call made for an inbound
 * request ends by that request's {@link ProviderDeadline}: no attempt, backoff or {@code Retry-After} wait starts that
 * could not end before it (ADR 0010, amended in session 45). A {@code 429} holds back every call of the client until its
 * {@code Retry-After} has passed, at most {@code vpsorg.max-hold} ({@link VpsOrgThrottle}): a call not yet sent then fails
 * at once as rate limited, and a retry waits at least that long (ADR 0010, amended in session 51).
 */
final class ProviderResilience {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderResilience.class);

    /** The provider is in trouble: these open the circuit. A 4xx or a 429 says it is up and answering. */
    private static final Set<Kind> PROVIDER_TROUBLE = Set.of(Kind.UNAVAILABLE, Kind.TIMEOUT, Kind.OUTCOME_UNKNOWN);

    private static final Duration BACKOFF = Duration.ofNanos(-1);

    private final VpsOrgSettings.Retry retrySettings;
    /** The longest one attempt lasts once sent: a connection made, then an answer awaited. */
    private final Duration longestAttempt;
    private final RetryPolicy<Object> retry;
    private final CircuitBreaker<Object> breaker;
    private final VpsOrgSettings.Pool pool;
    private final Bulkhead<Object> connections;
    private final AtomicInteger waiting = new AtomicInteger();
    private final VpsOrgThrottle throttle;

    /** Marks a failure that happened before the request left: no connection was free in time. */
    static final class NoFreeConnection extends RuntimeException {
        NoFreeConnection(String message) {
            super(message, null, false, false);
        }
    }

    /** Marks a failure of a call not sent because a 429 holds the client's calls back (VPS.org was not asked). */
    static final class HeldBack extends RuntimeException {
        HeldBack(String message) {
            super(message, null, false, false);
        }
    }

    /** Marks a failure of a call whose time was up before an attempt could start: another attempt would outlast it. */
    static final class OutOfTime extends RuntimeException {
        OutOfTime(String message) {
            super(message, null, false, false);
        }
    }

    ProviderResilience(VpsOrgSettings.Retry retrySettings, VpsOrgSettings.CircuitBreaker breakerSettings,
                       VpsOrgSettings.Pool pool, Duration longestAttempt, Duration maxHold,
                       Duration holdWithoutRetryAfter) {
        this.throttle = new VpsOrgThrottle(System::nanoTime, maxHold, holdWithoutRetryAfter);
        this.retrySettings = retrySettings;
        this.longestAttempt = longestAttempt;
        this.pool = pool;
        this.connections = Bulkhead.of(pool.maxConnections());
        this.retry = RetryPolicy.builder()
                .handleIf(this::worthRetrying)
                .withMaxAttempts(retrySettings.maxAttempts())
                .withBackoff(retrySettings.initialDelay(), retrySettings.maxDelay())
                .withJitter(retrySettings.jitter())
                .withDelayFnOn(context -> retryDelay(context.getLastException(), context.getAttemptCount()),
                        ProviderFailure.class)
                .onRetry(event -> LOG.warn("Retrying a VPS.org call (attempt {}): {}", event.getAttemptCount() + 1,
                        event.getLastException().getMessage()))
                .build();
        this.breaker = CircuitBreaker.builder()
                // A list out of time inside a call ran out between retries of a failing page: the provider's trouble.
                // Excluded, Failsafe would record it as a success, and a half-open breaker would close on it.
                // A call this stopping instance ended itself (its client closed, before or during the call, or its
                // interrupt) is not (sessions 47, 55): counted, it would open the circuit, whose refusals say VPS.org
                // failed. Recorded as a success instead: harmless, since a closed client sends nothing again.
                // Nor is a 2xx whose body could not be read (a create answered in a new shape): VPS.org is up and did
                // act; counted, five such creates opened the circuit for every call (session 53, VpsOrgSettings).
                .handleIf(failure -> failure instanceof ProviderFailure provider && PROVIDER_TROUBLE.contains(provider.kind())
                        && !stopping(provider)
                        && !answered2xx(provider))
                .withFailureThreshold(breakerSettings.failureThreshold(), breakerSettings.window())
                .withDelay(breakerSettings.openFor())
                .onOpen(event -> LOG.warn("VPS.org circuit opened: calls fail fast for {}", breakerSettings.openFor()))
                .onHalfOpen(event -> LOG.info("VPS.org circuit half-open: trying one call"))
                .onClose(event -> LOG.info("VPS.org circuit closed"))
                .build();
    }

    /** An unknown outcome VPS.org answered with a 2xx (its body unreadable): the provider is up, not in trouble. */
    private static boolean answered2xx(ProviderFailure failure) {
        return failure.providerStatus().isPresent() && failure.providerStatus().getAsInt() / 100 == 2;
    }

    /**
     * A read or a delete: retried when another attempt may succeed and cannot do harm, and, for a request, when it and
     * the wait before it end by the request's deadline; the last attempt's failure is the call's.
     */
    <T> T safe(String description, CheckedSupplier<T> attempt) {
        // A last try never sent (held back, the circuit opened, no connection) after one that was: the call was sent.
        AtomicBoolean sent = new AtomicBoolean();
        CheckedSupplier<T> call = () -> {
            try {
                return attempt.get();
            } catch (ProviderFailure failure) {
                sent.compareAndSet(false, !failure.neverSent());
                throw failure;
            }
        };
        try {
            return tried(description, call);
        } catch (ProviderFailure failure) {
            throw sent.get() ? failure.afterAnEarlierTryWasSent() : failure;
        }
    }

    private <T> T tried(String description, CheckedSupplier<T> call) {
        requireNotHeldBack(description);
        Optional<ProviderDeadline> deadline = ProviderDeadline.current();
        if (deadline.isEmpty()) {
            return execute(() -> Failsafe.with(retry).compose(breaker).get(withConnection(description, call, Optional.empty())));
        }
        // Checked before the breaker: a call that sends nothing must not take a half-open breaker's trial permit.
        requireTimeFor(description, deadline.get());
        AtomicInteger failedAttempts = new AtomicInteger();
        RetryPolicy<Object> inTime = RetryPolicy.builder(retry.getConfig())
                .abortIf((result, failure) -> {
                    int failed = failedAttempts.incrementAndGet();
                    // The last attempt's failure ends the call anyway: nothing to abort.
                    if (failed < retrySettings.maxAttempts() && worthRetrying(failure)
                            && !deadline.get().fits(longestRetryDelay(failure, failed).plus(longestAttempt))) {
                        LOG.warn("Not retrying a VPS.org call to {}: another attempt could not end within the request's "
                                + "time ({} ms left)", description, deadline.get().remaining().toMillis());
                        return true;
                    }
                    return false;
                })
                .build();
        return execute(() -> Failsafe.with(inTime).compose(breaker).get(withConnection(description, call, deadline)));
    }

    /** A create or a restore: exactly one attempt, for a request only if it can end by the request's deadline. */
    <T> T once(String description, CheckedSupplier<T> call) {
        requireNotHeldBack(description);
        Optional<ProviderDeadline> deadline = ProviderDeadline.current();
        deadline.ifPresent(by -> requireTimeFor(description, by));
        return execute(() -> Failsafe.with(breaker).get(withConnection(description, call, deadline)));
    }

    /**
     * Nothing is sent while a 429 holds the client's calls back: the call fails at once as rate limited, with the wait
     * left as its {@code Retry-After}, certainly not made (a create is "not done", as after VPS.org's own 429).
     */
    private void requireNotHeldBack(String description) {
        Optional<Duration> left = throttle.remaining();
        if (left.isPresent()) {
            throw ProviderFailure.neverSent(NotSent.HELD_BACK_BY_RATE_LIMIT, "VPS.org was not called to " + description
                    + ": it asked the platform's account to slow down (429) and calls are held back for "
                    + left.get().toMillis() + " ms more; nothing was sent", left, new HeldBack("a 429's Retry-After"));
        }
    }

    /** A 429 any attempt heard holds back the client's later calls. */
    private void heard(Throwable failure) {
        if (failure instanceof ProviderFailure provider && provider.kind() == Kind.RATE_LIMITED
                && !(provider.getCause() instanceof HeldBack)) {
            throttle.heard(provider.retryAfter());
        }
    }

    /** Nothing is sent for a request whose time is up: the call fails as unavailable, certainly not made. */
    private void requireTimeFor(String description, ProviderDeadline deadline) {
        if (!deadline.fits(longestAttempt)) {
            throw outOfRequestTime(description, deadline);
        }
    }

    private ProviderFailure outOfRequestTime(String description, ProviderDeadline deadline) {
        return ProviderFailure.neverSent(NotSent.OUT_OF_REQUEST_TIME, "VPS.org was not called to " + description + ": "
                + deadline.remaining().toMillis() + " ms were left of the request's time (two thirds of "
                + "micronaut.server.idle-timeout), less than one attempt may take (vpsorg.connect-timeout + "
                + "vpsorg.read-timeout = " + longestAttempt.toMillis() + " ms); nothing was sent",
                Optional.empty(), new OutOfTime("the request's deadline"));
    }

    /**
     * The longest Failsafe may wait before the retry after {@code failed} failed attempts: a {@code Retry-After}
     * (already stretched) or the backoff, which doubles from the initial delay up to the maximum (counting every
     * failure, as if none had a {@code Retry-After}, errs long), either jittered up by at most its share.
     */
    private Duration longestRetryDelay(Throwable failure, int failed) {
        Duration floor = retryDelay(failure, failed);
        return retrySettings.jitteredUp(floor.isNegative() ? backoff(failed) : floor);
    }

    /** The exponential backoff's delay after {@code failed} failed attempts: doubling from the initial, capped. */
    private Duration backoff(int failed) {
        Duration backoff = retrySettings.initialDelay().multipliedBy(1L << Math.max(0, Math.min(failed - 1, 20)));
        return backoff.compareTo(retrySettings.maxDelay()) < 0 ? backoff : retrySettings.maxDelay();
    }

    /**
     * Whether a request whose blocking way would retry after {@code failure} (the first attempt failed) has the time
     * for the wait and one more attempt; outside a request, whether it would retry at all.
     */
    boolean retriesInTime(Throwable failure) {
        if (!worthRetrying(failure)) {
            return false;
        }
        return ProviderDeadline.current().map(by -> by.fits(longestRetryDelay(failure, 1).plus(longestAttempt)))
                .orElse(true);
    }

    /**
     * Each attempt holds one of the pool's connections; waiting for one is bounded in time and in number, and, for a
     * request, by the time that leaves the attempt before its deadline.
     */
    private <T> CheckedSupplier<T> withConnection(String description, CheckedSupplier<T> call, Optional<ProviderDeadline> deadline) {
        return () -> {
            // A retry too: another call's 429 may have come during its delay. Refused so, it is retried after the wait
            // left (worthRetrying), or handed back; the breaker counts it as a 429, VPS.org answering.
            requireNotHeldBack(description);
            if (!connections.tryAcquirePermit()) {
                if (waiting.incrementAndGet() > pool.maxPending()) {
                    waiting.decrementAndGet();
                    throw noFreeConnection("more than vpsorg.pool.max-pending=" + pool.maxPending()
                            + " requests already wait for a connection");
                }
                try {
                    Duration wait = deadline.map(by -> by.remaining().minus(longestAttempt))
                            .filter(left -> left.compareTo(pool.acquireTimeout()) < 0)
                            .orElse(pool.acquireTimeout());
                    boolean acquired;
                    try {
                        acquired = !wait.isNegative() && connections.tryAcquirePermit(wait);
                    } catch (InterruptedException stopping) {
                        // The stop's interrupt (db-scheduler's shutdownNow) while waiting in line: nothing left.
                        Thread.currentThread().interrupt();
                        throw ProviderFailure.neverSent(NotSent.CLIENT_CLOSED, "VPS.org was not called to "
                                + description + ": the call was interrupted while waiting for a free connection (this "
                                + "instance is stopping); nothing was sent", Optional.empty(), stopping);
                    }
                    if (!acquired) {
                        throw noFreeConnection(wait.equals(pool.acquireTimeout())
                                ? "no connection came free within vpsorg.pool.acquire-timeout="
                                + pool.acquireTimeout().toMillis() + " ms"
                                : "no connection came free while the request's time left room for an attempt");
                    }
                } finally {
                    waiting.decrementAndGet();
                }
            }
            try {
                return call.get();
            } catch (ProviderFailure failure) {
                heard(failure);
                throw failure;
            } finally {
                connections.releasePermit();
            }
        };
    }

    /**
     * One attempt that can be sent now without waiting, or empty: the circuit is not closed, no connection is free at
     * once, or a request's deadline leaves no time for it (the caller then takes the blocking way, with its bounded waits). The attempt is ended once,
     * by {@link Attempt#ended}, which gives the connection back and tells the breaker.
     */
    Optional<Attempt> attemptAtOnce() {
        // A request without the time for an attempt takes the blocking way too, which fails it unsent.
        // So does one a 429 holds back, which fails it unsent.
        if (ProviderDeadline.current().filter(by -> !by.fits(longestAttempt)).isPresent()
                || throttle.remaining().isPresent() || !connections.tryAcquirePermit()) {
            return Optional.empty();
        }
        // Only a closed breaker: a half-open one's trial permits are left to the blocking way, which accounts for them.
        if (!breaker.isClosed() || !breaker.tryAcquirePermit()) {
            connections.releasePermit();
            return Optional.empty();
        }
        return Optional.of(new Attempt());
    }

    /** An attempt made without Failsafe's executor: it holds a connection's permit until it ends. */
    final class Attempt {

        private final AtomicBoolean ended = new AtomicBoolean();

        private Attempt() {
        }

        /** The attempt ended ({@code failure} null: it succeeded); only the first call counts. */
        void ended(Throwable failure) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            connections.releasePermit();
            if (failure == null) {
                breaker.recordSuccess();
            } else {
                heard(failure);
                breaker.recordException(failure);
            }
        }
    }

    /** How long the blocking way would wait before its first retry after this failure (at least a Retry-After). */
    Duration firstRetryDelay(Throwable failure) {
        Duration floor = retryDelay(failure, 1);
        return floor.isNegative() ? retrySettings.initialDelay() : floor;
    }

    private static ProviderFailure noFreeConnection(String why) {
        return ProviderFailure.neverSent(NotSent.NO_FREE_CONNECTION, "VPS.org could not be reached: all "
                + "connections are busy with slow calls and " + why + "; nothing was sent", Optional.empty(),
                new NoFreeConnection(why));
    }

    /** Open and still refusing: past its open period, Failsafe leaves OPEN only at the next call (a quiet instance). */
    boolean isCircuitOpen() {
        return breaker.isOpen() && breaker.getRemainingDelay().compareTo(Duration.ZERO) > 0;
    }

    boolean isCircuitClosed() {
        return breaker.isClosed();
    }

    Optional<Duration> heldBackFor() {
        return throttle.remaining();
    }

    int waitingForAConnection() {
        return waiting.get();
    }

    private <T> T execute(java.util.function.Supplier<T> run) {
        try {
            return run.get();
        } catch (CircuitBreakerOpenException open) {
            Duration remaining = breaker.getRemainingDelay();
            throw ProviderFailure.neverSent(NotSent.CIRCUIT_OPEN, "VPS.org failed repeatedly; calls are refused for "
                    + Math.max(1, remaining.toSeconds()) + " s more (circuit open), nothing was sent",
                    Optional.of(remaining), null);
        } catch (FailsafeException wrapped) {
            // Failsafe wraps checked exceptions; the only one our calls throw is an interruption.
            Throwable cause = wrapped.getCause();
            if (cause instanceof InterruptedException stopping) {
                // The stop's interrupt (db-scheduler's shutdownNow) during the wait before a retry: the next try was
                // not sent; an earlier one was, which safe() marks (ADR 0010, 0024, session 55).
                Thread.currentThread().interrupt();
                throw ProviderFailure.neverSent(NotSent.CLIENT_CLOSED, "the VPS.org call was interrupted while waiting "
                        + "to try again (this instance is stopping); its next try was not sent", Optional.empty(),
                        stopping);
            }
            throw new ProviderFailure(Kind.UNAVAILABLE, "the VPS.org call failed unexpectedly", OptionalInt.empty(),
                    Optional.empty(), cause);
        }
    }

    /**
     * A call this stopping instance ended itself: its client closed before it ({@link ProviderFailures.ClientClosed},
     * marked unsent CLIENT_CLOSED by {@code ProviderFailures.fromTransport}) or under it (no answer, CLIENT_CLOSED), or
     * its thread interrupted by the stop (unsent, CLIENT_CLOSED). Neither retried (the next try would be cut the same)
     * nor counted against VPS.org: the one test of it, for the retry and the breaker (ADR 0010, 0024, session 56).
     */
    private static boolean stopping(ProviderFailure provider) {
        return provider.noAnswer().filter(no -> no == ProviderFailure.NoAnswer.CLIENT_CLOSED).isPresent()
                || provider.lastTryNotSent().filter(no -> no == NotSent.CLIENT_CLOSED).isPresent();
    }

    private boolean worthRetrying(Throwable failure) {
        if (!(failure instanceof ProviderFailure provider)) {
            return false;
        }
        return switch (provider.kind()) {
            // Busy connections mean a slow provider: another wait in line would only add load. A stopping instance's
            // call is not retried: its client stays closed, and another attempt would be cut as this one was.
            case UNAVAILABLE -> !(provider.getCause() instanceof NoFreeConnection || provider.getCause() instanceof OutOfTime
                    || stopping(provider));
            case TIMEOUT -> true;
            // Waiting longer than the cap inside one call is worse than telling the caller when to come back.
            case RATE_LIMITED -> provider.retryAfter().map(wait -> wait.compareTo(retrySettings.maxRetryAfter()) <= 0)
                    .orElse(true);
            default -> false;
        };
    }

    /**
     * The delay before the retry after {@code failed} failed attempts: the backoff's, unless a {@code Retry-After} (this
     * failure's, or what is left of the client's hold) asks for longer. Never shorter than the backoff: a
     * {@code Retry-After: 0}, or an HTTP date a skewed clock reads as past, would otherwise retry at once, again and again
     * (ADR 0010, amended in session 51). Failsafe applies jitter to a computed delay too, which could bring it under
     * {@code Retry-After}; stretching it by 1/(1 - jitter) keeps the jittered delay at or above what the provider asked.
     * A negative delay tells Failsafe to use the exponential backoff (it cannot take {@code null}).
     */
    private Duration retryDelay(Throwable failure, int failed) {
        Optional<Duration> asked = failure instanceof ProviderFailure provider && provider.kind() == Kind.RATE_LIMITED
                ? provider.retryAfter() : Optional.empty();
        Optional<Duration> held = throttle.remaining();
        if (held.isPresent() && (asked.isEmpty() || held.get().compareTo(asked.get()) > 0)) {
            asked = held;
        }
        if (asked.isEmpty()) {
            return BACKOFF;
        }
        Duration stretched = retrySettings.stretched(asked.get());
        Duration backoff = backoff(failed);
        return stretched.compareTo(backoff) > 0 ? stretched : backoff;
    }
}
