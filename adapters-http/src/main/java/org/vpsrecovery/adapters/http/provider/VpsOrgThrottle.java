package org.vpsrecovery.adapters.http.provider;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * VPS.org's rate limit is the account's, and the platform calls it with one token for every team: a {@code 429} one call
 * hears holds back every call of the client until its {@code Retry-After} has passed (ADR 0010, amended in session 51).
 * Kept on the monotonic clock, the latest end any 429 asked for wins. Failsafe's policies do not fit: its rate limiter
 * spends permits at a rate known beforehand, and its circuit breaker, after its delay, lets only trial calls through and
 * counts what it refuses as the provider's trouble.
 */
final class VpsOrgThrottle {

    /** The hold after a {@code 429} that names no wait (or one of 0): VPS.org said "too many", not for how long. */
    static final Duration WITHOUT_RETRY_AFTER = Duration.ofSeconds(1);

    private final LongSupplier nanoTime;
    /** On {@link #nanoTime}: no call is sent before it. */
    private final AtomicLong until;

    VpsOrgThrottle(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nano time");
        this.until = new AtomicLong(nanoTime.getAsLong());
    }

    /** VPS.org answered 429, asking for {@code retryAfter} (empty or zero: {@link #WITHOUT_RETRY_AFTER}). */
    void heard(Optional<Duration> retryAfter) {
        Duration wait = retryAfter.filter(asked -> asked.isPositive()).orElse(WITHOUT_RETRY_AFTER);
        // Bounded (ProviderFailures clamps Retry-After to an hour), so the nanoseconds do not overflow.
        long end = nanoTime.getAsLong() + Math.min(wait.toNanos(), ProviderFailures.LONGEST_RETRY_AFTER.toNanos());
        until.accumulateAndGet(end, (held, asked) -> asked - held > 0 ? asked : held);
    }

    /** How long calls are still held back; empty once that has passed. */
    Optional<Duration> remaining() {
        long left = until.get() - nanoTime.getAsLong();
        return left > 0 ? Optional.of(Duration.ofNanos(left)) : Optional.empty();
    }
}
