package org.vpsrecovery.application.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long one run of a scheduled job may go on taking items: checked between two items, never within one, so an item
 * is never cut short. The jobs share a few scheduler threads; a run over a whole batch against a slow VPS.org (answers
 * just under the timeout, the breaker closed) held its thread for half an hour while the short jobs (restores waiting
 * for their safety snapshot, approvals, webhooks) waited for one. A spent budget ends the run; the next starts where it
 * stopped (ADR 0024, amended in session 45). A run always takes its first item, so every run makes progress.
 */
public record RunBudget(Clock clock, Instant until) {

    /** No bound: the run takes its whole batch (the tests' and the end-to-end drivers' calls). */
    public static final RunBudget UNBOUNDED = new RunBudget(Clock.systemUTC(), Instant.MAX);

    public RunBudget {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(until, "until");
    }

    /** A budget of {@code length} from now on. */
    public static RunBudget startingNow(Clock clock, Duration length) {
        Objects.requireNonNull(length, "length");
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a run's budget must be positive, was " + length);
        }
        return new RunBudget(clock, clock.instant().plus(length));
    }

    /** Whether the run should take no further item. */
    public boolean spent() {
        return !clock.instant().isBefore(until);
    }
}
