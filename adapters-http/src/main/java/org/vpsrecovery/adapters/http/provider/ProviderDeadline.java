package org.vpsrecovery.adapters.http.provider;

import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.core.propagation.PropagatedContextElement;
import java.time.Duration;
import java.util.Optional;

/**
 * When ({@link System#nanoTime()}) the VPS.org calls made for one inbound request must have ended: the server closes
 * a connection silent for {@code micronaut.server.idle-timeout} even while its answer is awaited, so an answer that
 * comes later reaches nobody (ADR 0010, amended in session 45). Set by the web adapter as a request arrives and carried
 * with it, as its request id is, to whichever thread calls VPS.org; calls made outside a request (scheduled jobs)
 * find none and keep the settings' own budgets. {@link ProviderResilience} starts no attempt, and sleeps no backoff or
 * {@code Retry-After}, that could not end before it.
 */
public record ProviderDeadline(long nanos) implements PropagatedContextElement {

    /**
     * The share of the idle timeout the provider calls get: two thirds, as a long poll's wait (ADR 0006); the last
     * third is for the token's check, the database's reads and writes (the audit's UNRESOLVED too) and the answer.
     */
    public static Optional<Duration> budgetWithin(Duration idleTimeout) {
        if (idleTimeout == null || idleTimeout.isZero() || idleTimeout.isNegative()) {
            return Optional.empty();
        }
        return Optional.of(idleTimeout.multipliedBy(2).dividedBy(3));
    }

    /** The deadline of a request arriving now on a server closing idle connections after {@code idleTimeout}. */
    public static Optional<ProviderDeadline> forRequestArrivingNow(Duration idleTimeout) {
        return budgetWithin(idleTimeout).map(budget -> new ProviderDeadline(System.nanoTime() + budget.toNanos()));
    }

    /** The deadline of the request this thread serves, if it serves one. */
    static Optional<ProviderDeadline> current() {
        return PropagatedContext.getOrEmpty().find(ProviderDeadline.class);
    }

    /** Whether something lasting at most {@code longest}, started now, ends by the deadline. */
    boolean fits(Duration longest) {
        return nanos - System.nanoTime() - longest.toNanos() >= 0;
    }

    /** Time left, never negative. */
    Duration remaining() {
        return Duration.ofNanos(Math.max(0, nanos - System.nanoTime()));
    }
}
