package org.vpsrecovery.domain.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * What a policy keeps, with restic's {@code forget --keep-*} semantics: the newest {@code keepLast}
 * points; every point within {@code keepWithin} of the newest one; and, per calendar bucket of the
 * policy's time zone, the newest point of each of the last {@code keepDaily} days, {@code keepWeekly}
 * ISO weeks, {@code keepMonthly} months and {@code keepYearly} years that have a point. A point is kept
 * when any rule keeps it (a union). No rule at all keeps everything, as restic does. Person-made
 * points are governed only when {@code includePersonMade} says so.
 */
public record RetentionRules(int keepLast, Duration keepWithin, int keepDaily, int keepWeekly, int keepMonthly,
                             int keepYearly, boolean includePersonMade) {

    public static final int MAX_COUNT = 1000;
    public static final Duration MAX_WITHIN = Duration.ofDays(3660);

    public RetentionRules {
        Objects.requireNonNull(keepWithin, "keep within (Duration.ZERO for none)");
        requireCount("keep_last", keepLast);
        requireCount("keep_daily", keepDaily);
        requireCount("keep_weekly", keepWeekly);
        requireCount("keep_monthly", keepMonthly);
        requireCount("keep_yearly", keepYearly);
        if (keepWithin.isNegative() || keepWithin.compareTo(MAX_WITHIN) > 0) {
            throw new IllegalArgumentException("keep_within must be 0 to " + MAX_WITHIN.toDays() + " days");
        }
    }

    /** Keeps everything: no rule. */
    public static RetentionRules keepAll() {
        return new RetentionRules(0, Duration.ZERO, 0, 0, 0, 0, false);
    }

    /** Whether any rule is set; without one nothing is dropped. */
    public boolean hasRules() {
        return keepLast > 0 || !keepWithin.isZero() || keepDaily > 0 || keepWeekly > 0 || keepMonthly > 0
                || keepYearly > 0;
    }

    public int count(CalendarBucket bucket) {
        return switch (bucket) {
            case DAILY -> keepDaily;
            case WEEKLY -> keepWeekly;
            case MONTHLY -> keepMonthly;
            case YEARLY -> keepYearly;
        };
    }

    private static void requireCount(String name, int value) {
        if (value < 0 || value > MAX_COUNT) {
            throw new IllegalArgumentException(name + " must be 0-" + MAX_COUNT);
        }
    }
}
