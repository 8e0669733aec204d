package org.vpsrecovery.adapters.http.provider;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VPS.org's rate limit is the account's, and the platform calls it with one token for every team: a {@code 429} one call
 * hears holds back every call of the client until its {@code Retry-After} has passed, at most {@code vpsorg.max-hold}
 * (ADR 0010, amended in session 51). Kept on the monotonic clock, the latest end any 429 asked for wins. Failsafe's
 * policies do not fit: its rate limiter spends permits at a rate known beforehand, and its circuit breaker, after its
 * delay, lets only trial calls through and counts what it refuses as the provider's trouble.
 */
final class VpsOrgThrottle {

    private static final Logger LOG = LoggerFactory.getLogger(VpsOrgThrottle.class);

    /** A hold longer than this is said at WARN when it starts: every call of the instance fails meanwhile. */
    static final Duration SAID_AFTER = Duration.ofSeconds(5);

    private final LongSupplier nanoTime;
    /**
     * The longest hold one 429 starts: a bogus one (a gateway's, a per-endpoint limit, a far-future date) would otherwise
     * hold every call of the instance for up to an hour. The caller that heard it still gets its whole Retry-After.
     */
    private final Duration maxHold;
    /**
     * {@code vpsorg.hold-without-retry-after}: the hold after a {@code 429} that names no wait (or one of 0), VPS.org
     * having said "too many", not for how long (ADR 0010, amended in session 52).
     */
    private final Duration withoutRetryAfter;
    /** On {@link #nanoTime}: no call is sent before it. */
    private final AtomicLong until;

    VpsOrgThrottle(LongSupplier nanoTime, Duration maxHold, Duration withoutRetryAfter) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nano time");
        this.maxHold = Objects.requireNonNull(maxHold, "max hold");
        this.withoutRetryAfter = Objects.requireNonNull(withoutRetryAfter, "hold without retry after");
        this.until = new AtomicLong(nanoTime.getAsLong());
    }

    /**
     * VPS.org answered 429, asking for {@code retryAfter} (empty or zero: {@link #withoutRetryAfter}). Whether a hold
     * longer than {@link #SAID_AFTER} started with it (none that long was on), which is then said at WARN once.
     */
    boolean heard(Optional<Duration> retryAfter) {
        Duration wait = retryAfter.filter(asked -> asked.isPositive()).orElse(withoutRetryAfter);
        // Bounded (ProviderFailures clamps Retry-After to an hour), so the nanoseconds do not overflow.
        long held = Math.min(Math.min(wait.toNanos(), maxHold.toNanos()), ProviderFailures.LONGEST_RETRY_AFTER.toNanos());
        long now = nanoTime.getAsLong();
        long before = until.getAndAccumulate(now + held, (current, asked) -> asked - current > 0 ? asked : current);
        boolean started = before - now <= SAID_AFTER.toNanos() && held > SAID_AFTER.toNanos();
        if (started) {
            LOG.warn("VPS.org answered 429 asking to wait {} s: every VPS.org call of this instance is held back for {} s "
                    + "(vpsorg.max-hold {} s) and fails at once as rate limited, nothing sent; the account's rate limit "
                    + "is shared by every team and job", wait.toSeconds(), Duration.ofNanos(held).toSeconds(),
                    maxHold.toSeconds());
        }
        return started;
    }

    /** How long calls are still held back; empty once that has passed. */
    Optional<Duration> remaining() {
        long left = until.get() - nanoTime.getAsLong();
        return left > 0 ? Optional.of(Duration.ofNanos(left)) : Optional.empty();
    }
}
