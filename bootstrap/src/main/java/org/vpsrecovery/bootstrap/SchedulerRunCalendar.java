package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.CronStyle;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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
 * so the two cannot disagree (ADR 0028). Beside a daylight-saving gap, the real local times db-scheduler's cron drops run
 * as they read, and a skipped time runs at the gap's end, once, unless the schedule runs within the gap's length after it
 * (our rule, not cron's); a local time the fall-back repeats runs once, at the first occurrence the cron runs, unless the minute or
 * hour field starts with {@code *} (an hourly schedule runs in both hours: Vixie cron's rule).
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
            Instant found = missedRunBefore(schedule, rules, last, next).orElse(next);
            Instant run = firstOccurrence(schedule, rules, found);
            Instant listedUpTo = runs.isEmpty() ? after : runs.get(runs.size() - 1);
            if (run.isAfter(listedUpTo)) {
                runs.add(run);
            }
            // On from the time found, not its first occurrence: the search would answer the second one again.
            last = found;
        }
        return runs;
    }

    /**
     * The first run in ({@code last}, {@code next}) that db-scheduler's cron misses at a daylight-saving gap, if any
     * (ADR 0028, amended twice in session 47). Its cron skips the local times a gap removes, so a {@code 30 2 * * *} in
     * Europe/Berlin had no run on the day summer time begins (and a weekly one none that week); and it drops the whole
     * local hour the gap falls in, so Lord Howe's half-hour gap (02:00 to 02:30) cost a {@code 30 2 * * *} its 02:30,
     * which exists (and Chatham's gap at 02:45 its 02:00-02:44 before it). A real local time it dropped runs as it
     * reads. A skipped time runs at the change itself (the gap's end), once however many of the gap's times match,
     * unless the schedule runs anyway within the gap's length after the change: then that run stands for it (an hourly
     * {@code 30 * * * *} runs at 03:30, not at 03:00 and 03:30 too).
     */
    private static Optional<Instant> missedRunBefore(PolicySchedule schedule, ZoneRules rules, Instant last, Instant next) {
        // From just before last: a gap starting at last may still have real times the cron skipped after it.
        for (ZoneOffsetTransition change = rules.nextTransition(last.minusNanos(1));
             change != null && !change.getInstant().isAfter(next); change = rules.nextTransition(change.getInstant())) {
            if (!change.isGap()) {
                continue;
            }
            Instant changedAt = change.getInstant();
            Instant gapLengthAfter = changedAt.plus(change.getDuration());
            Instant justBefore = changedAt.minusSeconds(1);
            // The local times up to the gap are the offset before's, since the zone's previous change.
            ZoneOffsetTransition previous = rules.previousTransition(changedAt);
            Instant offsetBeforeSince = previous == null ? last : previous.getInstant().minusSeconds(1);
            Optional<Instant> realTimeBefore = nextInFixedOffset(schedule, change.getOffsetBefore(),
                    offsetBeforeSince.isAfter(last) ? offsetBeforeSince : last)
                    .filter(run -> run.isAfter(last) && run.isBefore(changedAt) && run.isBefore(next));
            if (realTimeBefore.isPresent()) {
                return realTimeBefore;
            }
            // The local times from the gap's end on are the offset after's, up to the zone's next change.
            ZoneOffsetTransition following = rules.nextTransition(changedAt);
            Optional<Instant> realTimeAfter = nextInFixedOffset(schedule, change.getOffsetAfter(),
                    justBefore.isAfter(last) ? justBefore : last)
                    .filter(run -> run.isBefore(next) && (following == null || run.isBefore(following.getInstant())));
            // The skipped local times [before, after) read at the offset before are the instants from the change for
            // the gap's length: the cron matches one of them if it fires there in that fixed offset.
            boolean skipsATime = nextInFixedOffset(schedule, change.getOffsetBefore(), justBefore)
                    .filter(skipped -> skipped.isBefore(gapLengthAfter)).isPresent();
            // The schedule's own first run from the gap's end: if it comes within the gap's length, it stands for the
            // skipped time (it comes no later than that time, read at the offset before, would have).
            boolean runsSoonAnyway = realTimeAfter.orElse(next).isBefore(gapLengthAfter);
            if (skipsATime && !runsSoonAnyway && changedAt.isAfter(last)) {
                return Optional.of(changedAt);
            }
            if (realTimeAfter.isPresent()) {
                return realTimeAfter;
            }
        }
        return Optional.empty();
    }

    /**
     * The run of {@code found} for a schedule that runs a repeated local time at its first occurrence only (ADR 0028,
     * amended in sessions 48 and 53): a local time the fall-back repeats, for a schedule whose minute and hour fields
     * both start with something other than {@code *}, runs at the offset before the change. db-scheduler's cron answers
     * either occurrence depending on where its search starts (the second from a start on an earlier day, or between the
     * two; Pacific/Chatham's 02:45-03:45 never the first 03:00), so the plan and the tick, which search from different
     * starts, read each occurrence found as the first and list it once. Vixie cron's rule: a {@code *} at the start of
     * either field (hourly {@code 0 * * * *}, a step over every minute of hour 2) runs in both repeated hours.
     */
    private static Instant firstOccurrence(PolicySchedule schedule, ZoneRules rules, Instant found) {
        ZoneOffset offset = rules.getOffset(found);
        LocalDateTime local = LocalDateTime.ofInstant(found, offset);
        ZoneOffsetTransition change = rules.getTransition(local);
        if (change == null || !change.isOverlap() || !offset.equals(change.getOffsetAfter())) {
            return found;
        }
        String[] fields = schedule.cron().trim().split("\\s+");
        if (fields[0].startsWith("*") || fields[1].startsWith("*")) {
            return found;
        }
        return local.toInstant(change.getOffsetBefore());
    }

    private static Optional<Instant> nextInFixedOffset(PolicySchedule schedule, ZoneOffset offset, Instant after) {
        CronSchedule inOffset = new CronSchedule(schedule.cron(), offset, CronStyle.UNIX);
        return Optional.ofNullable(inOffset.getNextExecutionTime(ExecutionComplete.simulatedSuccess(after)));
    }

    private static CronSchedule parse(PolicySchedule schedule) {
        return new CronSchedule(schedule.cron(), schedule.zone(), CronStyle.UNIX);
    }
}
