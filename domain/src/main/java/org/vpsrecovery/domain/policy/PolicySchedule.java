package org.vpsrecovery.domain.policy;

import java.time.ZoneId;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * When a policy runs: a five-field cron expression (minute hour day-of-month month day-of-week),
 * read in {@code zone}. Only its shape is checked here; whether it parses is the
 * {@link org.vpsrecovery.domain.port.RunCalendar}'s to say.
 */
public record PolicySchedule(String cron, ZoneId zone) {

    public static final int MAX_LENGTH = 100;
    private static final Pattern CRON_CHARACTERS = Pattern.compile("[0-9A-Za-z*/,?#\\- ]{1," + MAX_LENGTH + "}");

    public PolicySchedule {
        Objects.requireNonNull(cron, "cron");
        Objects.requireNonNull(zone, "zone");
        if (!CRON_CHARACTERS.matcher(cron).matches()) {
            throw new IllegalArgumentException("cron must be 1-" + MAX_LENGTH
                    + " characters of a five-field cron expression (e.g. 0 3 * * *)");
        }
    }

    @Override
    public String toString() {
        return cron + " " + zone.getId();
    }
}
