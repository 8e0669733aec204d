package org.vpsrecovery.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** How long something takes: any duration from {@code min} to {@code max}, both included, uniformly spread. */
public record DurationRange(Duration min, Duration max) {

    public DurationRange {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (min.compareTo(max) > 0) {
            throw new IllegalArgumentException("a range's minimum " + min.toSeconds() + " s is above its maximum "
                    + max.toSeconds() + " s");
        }
    }

    public static DurationRange exactly(Duration duration) {
        return new DurationRange(duration, duration);
    }

    public static DurationRange ofSeconds(long min, long max) {
        return new DurationRange(Duration.ofSeconds(min), Duration.ofSeconds(max));
    }

    /** {@code "20"} (exactly 20 s) or {@code "180-600"} (180 to 600 s), as the command line and admin API write it. */
    public static DurationRange parseSeconds(String text) {
        String raw = Objects.requireNonNull(text, "seconds").strip();
        int dash = raw.indexOf('-', 1);
        try {
            return dash < 0 ? exactly(Duration.ofSeconds(Long.parseLong(raw)))
                    : ofSeconds(Long.parseLong(raw.substring(0, dash).strip()), Long.parseLong(raw.substring(dash + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seconds must be a whole number or a range such as 180-600, was " + raw);
        }
    }

    /** A duration from this range, drawn from {@code random} (whole milliseconds). */
    Duration draw(RandomGenerator random) {
        long span = max.toMillis() - min.toMillis();
        return span == 0 ? min : min.plusMillis(random.nextLong(span + 1));
    }

    /** {@code "20"} or {@code "180-600"}: what {@link #parseSeconds} reads. */
    public String toSecondsText() {
        return min.equals(max) ? Long.toString(min.toSeconds()) : min.toSeconds() + "-" + max.toSeconds();
    }
}
