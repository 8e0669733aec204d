package org.vpsrecovery.application.failure;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The one rule for what a thing that keeps failing says (a loop, a fetch, a flush): a line as its failures begin, then
 * at most one a {@code sayAgainAfter} while they go on, with the failures since the last line, and one when it works
 * again. With {@code newCauseAtOnce}, a cause other than the one last said ({@link FailureLine#sameCauseAs}: the same
 * but for its numbers) is said at once too. It decides; the caller says, in its own words and logger: each line's words
 * are pinned by its tests and docs/deploy.md (ADR 0025, amended in session 54; before, four classes each kept this
 * rule). A failure is put in words by {@code wording}, which leaves out what must not be logged (a JDBC URL, a refused
 * row). Time is read from an injected nanosecond clock ({@code nowNanos}): any will do, {@link System#nanoTime} or a
 * wall clock ({@link #OutageLines(Duration, boolean, Function, Clock)}); one stepping back only delays a reminder and
 * shortens the time said, never below nothing.
 *
 * <p>Not {@link AtMostEvery}: that one says a line per key at most once per interval, whatever its cause, for lines that
 * have no end (a receiver's failures, a missed run); this one follows one outage from its first failure to its end.
 */
public final class OutageLines {

    private final long sayAgainAfterNanos;
    private final boolean newCauseAtOnce;
    private final Function<Throwable, FailureLine> wording;
    private final LongSupplier nowNanos;
    /** Under this object's lock: the outage going on, if any, and what was last said of it. */
    private boolean failing;
    private long startedAt;
    private long saidAt;
    private long failures;
    private long heldBack;
    private FailureLine saidCause;

    /** A line to say now of an outage going on. */
    public record Failing(FailureLine cause, boolean first, long failures, long heldBack, Duration lasted) {
        public Failing {
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(lasted, "lasted");
        }
    }

    /** The line to say as an outage ends: the failures it had, and how long from its first to now. */
    public record Ended(long failures, Duration lasted) {
        public Ended {
            Objects.requireNonNull(lasted, "lasted");
        }
    }

    /** {@code nowNanos}: now in nanoseconds, on any clock; stepping back only delays a reminder. */
    public OutageLines(Duration sayAgainAfter, boolean newCauseAtOnce, Function<Throwable, FailureLine> wording,
                       LongSupplier nowNanos) {
        if (sayAgainAfter.isNegative() || sayAgainAfter.isZero()) {
            throw new IllegalArgumentException("an interval is positive, was " + sayAgainAfter);
        }
        this.sayAgainAfterNanos = sayAgainAfter.toNanos();
        this.newCauseAtOnce = newCauseAtOnce;
        this.wording = Objects.requireNonNull(wording, "wording");
        this.nowNanos = Objects.requireNonNull(nowNanos, "nowNanos");
    }

    /**
     * On a wall clock, read in milliseconds: for lines a test moves with the platform's clock. Stepped back (NTP, a
     * test) it only delays a reminder.
     */
    public OutageLines(Duration sayAgainAfter, boolean newCauseAtOnce, Function<Throwable, FailureLine> wording,
                       Clock wallClock) {
        this(sayAgainAfter, newCauseAtOnce, wording, millisAsNanos(Objects.requireNonNull(wallClock, "wallClock")));
    }

    private static LongSupplier millisAsNanos(Clock wallClock) {
        return () -> wallClock.millis() * 1_000_000L;
    }

    /** {@code failure} as {@code wording} puts it: {@link #failed(FailureLine)}. */
    public Optional<Failing> failed(Throwable failure) {
        return failed(wording.apply(failure));
    }

    /** A failure, in words already: the line to say now, or empty if it is held back (and counted). */
    public Optional<Failing> failed(FailureLine cause) {
        Objects.requireNonNull(cause, "cause");
        long now = nowNanos.getAsLong();
        synchronized (this) {
            if (!failing) {
                failing = true;
                startedAt = now;
                failures = 0;
                heldBack = 0;
                saidCause = null;
            }
            failures++;
            boolean first = saidCause == null;
            boolean newCause = newCauseAtOnce && !cause.sameCauseAs(saidCause);
            if (!first && !newCause && now - saidAt < sayAgainAfterNanos) {
                heldBack++;
                return Optional.empty();
            }
            Failing line = new Failing(cause, first, failures, heldBack, lasted(now));
            saidCause = cause;
            saidAt = now;
            heldBack = 0;
            return Optional.of(line);
        }
    }

    /** It worked: the line ending the outage, or empty if none was going on. */
    public Optional<Ended> worked() {
        long now = nowNanos.getAsLong();
        synchronized (this) {
            if (!failing) {
                return Optional.empty();
            }
            failing = false;
            return Optional.of(new Ended(failures, lasted(now)));
        }
    }

    /** From the outage's start to {@code now}; nothing, not a negative time, on a wall clock stepped back past it. */
    private Duration lasted(long now) {
        return Duration.ofNanos(Math.max(0, now - startedAt));
    }
}
