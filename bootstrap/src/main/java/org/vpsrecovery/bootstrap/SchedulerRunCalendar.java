package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.CronStyle;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.port.RunCalendar;

/**
 * Policies' schedules read by db-scheduler's own cron ({@link CronSchedule}, five-field UNIX style, in
 * the policy's zone): the scheduler that will run the policies computes the times the plan shows,
 * so the two cannot disagree (ADR 0028).
 */
final class SchedulerRunCalendar implements RunCalendar {

    @Override
    public Optional<String> refusal(PolicySchedule schedule) {
        try {
            CronSchedule cron = parse(schedule);
            if (cron.isDisabled()) {
                return Optional.of("a disabled schedule (-) is not a schedule; delete the policy instead");
            }
            // Five fields name no year: a schedule that has no next run from now never fires (0 0 31 2 *).
            if (nextRuns(schedule, Instant.now(), 1).isEmpty()) {
                return Optional.of("the schedule never fires (no such day); delete the policy instead");
            }
            return Optional.empty();
        } catch (RuntimeException unreadable) {
            String why = unreadable.getMessage() == null ? unreadable.getClass().getSimpleName() : unreadable.getMessage();
            return Optional.of("not a five-field cron expression (minute hour day-of-month month day-of-week): "
                    + (why.length() > 200 ? why.substring(0, 200) : why));
        }
    }

    @Override
    public List<Instant> nextRuns(PolicySchedule schedule, Instant after, int count) {
        CronSchedule cron = parse(schedule);
        List<Instant> runs = new ArrayList<>(count);
        Instant last = after;
        while (runs.size() < count) {
            Instant next = cron.getNextExecutionTime(ExecutionComplete.simulatedSuccess(last));
            // db-scheduler answers Schedule.NEVER (2500-01-01T12:00:00Z) for a schedule that never fires again.
            if (next == null || !next.isAfter(last) || !next.isBefore(Schedule.NEVER)) {
                break;
            }
            runs.add(next);
            last = next;
        }
        return runs;
    }

    private static CronSchedule parse(PolicySchedule schedule) {
        return new CronSchedule(schedule.cron(), schedule.zone(), CronStyle.UNIX);
    }
}
