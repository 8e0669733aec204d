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
 * A run calendar for tests of the use cases: it reads only daily schedules ({@code M H * * *}) and
 * refuses every other expression. The service's own calendar is the job scheduler's cron.
 */
public final class DailyRunCalendar implements RunCalendar {

    private static final Pattern DAILY = Pattern.compile("([0-9]{1,2}) ([0-9]{1,2}) \\* \\* \\*");

    @Override
    public Optional<String> refusal(PolicySchedule schedule) {
        Matcher m = DAILY.matcher(schedule.cron());
        if (!m.matches() || Integer.parseInt(m.group(1)) > 59 || Integer.parseInt(m.group(2)) > 23) {
            return Optional.of("this test calendar reads only daily schedules (M H * * *)");
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
        LocalTime time = LocalTime.of(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1)));
        ZonedDateTime next = after.atZone(schedule.zone()).with(time);
        List<Instant> runs = new ArrayList<>();
        while (runs.size() < count) {
            if (next.toInstant().isAfter(after)) {
                runs.add(next.toInstant());
            }
            next = next.plusDays(1).with(time);
        }
        return runs;
    }
}
