package org.vpsrecovery.domain.policy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;

/** The calendar periods of grandfather-father-son retention, read in a policy's time zone. */
public enum CalendarBucket {
    DAILY, WEEKLY, MONTHLY, YEARLY;

    /** The period {@code at} falls in, as a label (2026-11-30, 2026-W48, 2026-11, 2026); equal labels, same period. */
    public String of(Instant at, ZoneId zone) {
        ZonedDateTime local = at.atZone(zone);
        return switch (this) {
            case DAILY -> local.toLocalDate().toString();
            // ISO weeks, as restic: Monday to Sunday, numbered within the week-based year.
            case WEEKLY -> "%d-W%02d".formatted(local.get(IsoFields.WEEK_BASED_YEAR), local.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTHLY -> "%d-%02d".formatted(local.getYear(), local.getMonthValue());
            case YEARLY -> Integer.toString(local.getYear());
        };
    }

    public KeepReason reason() {
        return switch (this) {
            case DAILY -> KeepReason.KEEP_DAILY;
            case WEEKLY -> KeepReason.KEEP_WEEKLY;
            case MONTHLY -> KeepReason.KEEP_MONTHLY;
            case YEARLY -> KeepReason.KEEP_YEARLY;
        };
    }
}
