package org.vpsrecovery.application.job;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How long one run of a scheduled job may go on taking items: checked between two items, never within one, so an item
 * is never cut short. The jobs share a few scheduler threads; a run over a whole batch against a slow VPS.org (answers
 * just under the timeout, the breaker closed) held its thread for half an hour while the short jobs (restores waiting
 * for their safety snapshot, approvals, webhooks) waited for one. A spent budget ends the run; the next starts where it
 * stopped (ADR 0024, amended in session 45). A run always takes its first item, so every run makes progress.
 *
 * <p>Counted on a monotonic ticker ({@link System#nanoTime()}), not the wall clock: a host's clock stepped back (NTP)
 * let a run overrun its budget by the step (ADR 0024, amended in session 47).
 *
 * @param nanoTime the ticker, {@link System#nanoTime()} but in tests
 * @param startedAt the ticker's value when the run began
 * @param length how long the run may take items
 */
public record RunBudget(LongSupplier nanoTime, long startedAt, Duration length) {

    /** No bound: the run takes its whole batch (the tests' and the end-to-end drivers' calls). Its ticker never moves. */
    public static final RunBudget UNBOUNDED = new RunBudget(() -> 0L, 0L, Duration.ofNanos(Long.MAX_VALUE));

    public RunBudget {
        Objects.requireNonNull(nanoTime, "nanoTime");
        Objects.requireNonNull(length, "length");
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a run's budget must be positive, was " + length);
        }
    }

    /** A budget of {@code length} from now on. */
    public static RunBudget startingNow(Duration length) {
        return startingNow(System::nanoTime, length);
    }

    /** A budget of {@code length} from now on, on {@code nanoTime} (a test's ticker, which it moves itself). */
    public static RunBudget startingNow(LongSupplier nanoTime, Duration length) {
        Objects.requireNonNull(nanoTime, "nanoTime");
        return new RunBudget(nanoTime, nanoTime.getAsLong(), length);
    }

    /** Whether the run should take no further item. */
    public boolean spent() {
        // A difference of two ticker values, as System.nanoTime asks: the values themselves may be anything. Compared as
        // Durations, not in nanoseconds: a length past a long's nanoseconds (292 years; "1000000d" as "no budget") threw
        // an overflow at every check, and is simply never spent.
        return Duration.ofNanos(nanoTime.getAsLong() - startedAt).compareTo(length) >= 0;
    }
}
