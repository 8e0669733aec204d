package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.CronStyle;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.time.Instant;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.port.RunCalendar;

/**
 * Policies' schedules read by db-scheduler's own cron ({@link CronSchedule}, five-field UNIX style, in
 * the policy's zone): the scheduler that will run the policies computes the times the plan shows,
 * so the two cannot disagree (ADR 0028). A local time a daylight-saving gap skips runs at the gap's end, once, as
 * cron does; a local time falling back repeats runs as db-scheduler reads it (once, an hourly schedule in both hours).
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
        ZoneRules rules = schedule.zone().getRules();
        List<Instant> runs = new ArrayList<>(count);
        Instant last = after;
        while (runs.size() < count) {
            Instant next = cron.getNextExecutionTime(ExecutionComplete.simulatedSuccess(last));
            // db-scheduler answers Schedule.NEVER (2500-01-01T12:00:00Z) for a schedule that never fires again.
            if (next == null || !next.isAfter(last) || !next.isBefore(Schedule.NEVER)) {
                break;
            }
            Instant run = skippedRunBefore(schedule, rules, last, next).orElse(next);
            runs.add(run);
            last = run;
        }
        return runs;
    }

    /**
     * The end of the first daylight-saving gap in ({@code last}, {@code next}] whose skipped local times the cron
     * matches, if any. db-scheduler's cron skips them, so a {@code 30 2 * * *} in Europe/Berlin had no run on the day
     * summer time begins (and a weekly one none that week). As cron itself does, a skipped time runs at the first
     * instant after the gap, the change itself, once however many of the gap's times match (ADR 0028, session 47).
     */
    private static Optional<Instant> skippedRunBefore(PolicySchedule schedule, ZoneRules rules, Instant last, Instant next) {
        for (ZoneOffsetTransition change = rules.nextTransition(last);
             change != null && !change.getInstant().isAfter(next); change = rules.nextTransition(change.getInstant())) {
            if (!change.isGap()) {
                continue;
            }
            // The skipped local times [before, after) read at the offset before the change are the instants from the
            // change for the gap's length: the cron matches one of them if it fires there in that fixed offset.
            CronSchedule beforeTheChange = new CronSchedule(schedule.cron(), change.getOffsetBefore(), CronStyle.UNIX);
            Instant firstSkipped = beforeTheChange.getNextExecutionTime(
                    ExecutionComplete.simulatedSuccess(change.getInstant().minusSeconds(1)));
            if (firstSkipped != null && firstSkipped.isBefore(change.getInstant().plus(change.getDuration()))) {
                return Optional.of(change.getInstant());
            }
        }
        return Optional.empty();
    }

    private static CronSchedule parse(PolicySchedule schedule) {
        return new CronSchedule(schedule.cron(), schedule.zone(), CronStyle.UNIX);
    }
}
