package org.vpsrecovery.domain.testing;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.port.RunCalendar;

/**
 * A run calendar for tests of the use cases: it reads only daily schedules, one hour and one or more minutes of it
 * ({@code M H * * *}, {@code M,M H * * *}), and refuses every other expression. The service's own calendar is the
 * job scheduler's cron.
 */
public final class DailyRunCalendar implements RunCalendar {

    private static final Pattern DAILY = Pattern.compile("([0-9]{1,2}(?:,[0-9]{1,2})*) ([0-9]{1,2}) \\* \\* \\*");

    @Override
    public Optional<String> refusal(PolicySchedule schedule) {
        Matcher m = DAILY.matcher(schedule.cron());
        if (!m.matches() || Integer.parseInt(m.group(2)) > 23
                || java.util.Arrays.stream(m.group(1).split(",")).anyMatch(minute -> Integer.parseInt(minute) > 59)) {
            return Optional.of("this test calendar reads only daily schedules (M H * * *, M,M H * * *)");
        }
        return Optional.empty();
    }

    @Override
    public List<Instant> nextRuns(PolicySchedule schedule, Instant after, int count) {
        if (refusal(schedule).isPresent()) {
            throw new IllegalArgumentException("unreadable schedule");
        }
        Matcher m = DAILY.matcher(schedule.cron());
        m.matches();
        int hour = Integer.parseInt(m.group(2));
        List<LocalTime> times = java.util.Arrays.stream(m.group(1).split(",")).map(Integer::parseInt).sorted().distinct()
                .map(minute -> LocalTime.of(hour, minute)).toList();
        ZonedDateTime day = after.atZone(schedule.zone());
        List<Instant> runs = new ArrayList<>();
        while (runs.size() < count) {
            for (LocalTime time : times) {
                Instant run = day.with(time).toInstant();
                if (run.isAfter(after) && runs.size() < count) {
                    runs.add(run);
                }
            }
            day = day.plusDays(1);
        }
        return runs;
    }
}
