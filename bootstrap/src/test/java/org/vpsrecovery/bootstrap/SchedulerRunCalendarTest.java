package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.policy.PolicySchedule;

class SchedulerRunCalendarTest {

    private final SchedulerRunCalendar calendar = new SchedulerRunCalendar();

    @Test
    void nextRunsAreReadInThePolicysZoneAcrossADaylightSavingChange() {
        // Europe/Berlin leaves summer time on 2026-10-25: 03:00 local is 01:00Z before, 02:00Z after.
        PolicySchedule nightly = new PolicySchedule("0 3 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(nightly, Instant.parse("2026-10-23T12:00:00Z"), 3)).containsExactly(
                Instant.parse("2026-10-24T01:00:00Z"), Instant.parse("2026-10-25T02:00:00Z"),
                Instant.parse("2026-10-26T02:00:00Z"));
    }

    /** A local time daylight saving skips runs at the gap's end, once, as cron does: not a day (or a week) missed. */
    @Test
    void aTimeTheSpringForwardSkipsRunsAtTheEndOfTheGapOnce() {
        // Europe/Berlin skips 02:00-03:00 local on 2026-03-29 (01:00Z): 02:30 runs at 03:00 CEST, then on as usual.
        PolicySchedule nightly = new PolicySchedule("30 2 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(nightly, Instant.parse("2026-03-28T12:00:00Z"), 2)).containsExactly(
                Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-30T00:30:00Z"));
        // America/New_York skips 02:00-03:00 local on Sunday 2026-03-08 (07:00Z): a weekly run is not a week late.
        PolicySchedule weekly = new PolicySchedule("30 2 * * 0", ZoneId.of("America/New_York"));
        assertThat(calendar.nextRuns(weekly, Instant.parse("2026-03-01T12:00:00Z"), 2)).containsExactly(
                Instant.parse("2026-03-08T07:00:00Z"), Instant.parse("2026-03-15T06:30:00Z"));
        // Several skipped times (every quarter hour of the gap) run once at its end; 03:00 itself is that same run.
        PolicySchedule quarterly = new PolicySchedule("*/15 2-3 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(quarterly, Instant.parse("2026-03-29T00:00:00Z"), 3)).containsExactly(
                Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-29T01:15:00Z"),
                Instant.parse("2026-03-29T01:30:00Z"));
        // A time outside the gap is not moved, and the gap adds no run to it.
        PolicySchedule atFour = new PolicySchedule("0 4 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(atFour, Instant.parse("2026-03-28T12:00:00Z"), 2)).containsExactly(
                Instant.parse("2026-03-29T02:00:00Z"), Instant.parse("2026-03-30T02:00:00Z"));
    }

    /**
     * A gap shorter than an hour (Lord Howe's half hour) skips only part of the hour: db-scheduler's cron drops the whole
     * hour, times that exist that day too, and they run as they read.
     */
    @Test
    void theRealTimesOfAnHourAHalfHourGapCutRunAsTheyRead() {
        // Australia/Lord_Howe jumps 02:00 to 02:30 local on 2026-10-04 (15:30Z on the 3rd): 02:30 exists and runs then.
        PolicySchedule nightly = new PolicySchedule("30 2 * * *", ZoneId.of("Australia/Lord_Howe"));
        assertThat(calendar.nextRuns(nightly, Instant.parse("2026-10-02T12:00:00Z"), 3)).containsExactly(
                Instant.parse("2026-10-02T16:00:00Z"), Instant.parse("2026-10-03T15:30:00Z"),
                Instant.parse("2026-10-04T15:30:00Z"));
        // 02:00 and 02:15 are skipped and 02:30 (the change itself) stands for them; 02:45 exists and runs.
        PolicySchedule quarterly = new PolicySchedule("*/15 2 * * *", ZoneId.of("Australia/Lord_Howe"));
        assertThat(calendar.nextRuns(quarterly, Instant.parse("2026-10-03T15:00:00Z"), 3)).containsExactly(
                Instant.parse("2026-10-03T15:30:00Z"), Instant.parse("2026-10-03T15:45:00Z"),
                Instant.parse("2026-10-04T15:00:00Z"));
        // Pacific/Chatham jumps 02:45 to 03:45 local on 2026-09-27 (14:00Z on the 26th): 02:00 before the gap exists.
        PolicySchedule atTwo = new PolicySchedule("0 2 * * *", ZoneId.of("Pacific/Chatham"));
        assertThat(calendar.nextRuns(atTwo, Instant.parse("2026-09-26T12:00:00Z"), 2)).containsExactly(
                Instant.parse("2026-09-26T13:15:00Z"), Instant.parse("2026-09-27T12:15:00Z"));
    }

    /**
     * A skipped time is made up only when the schedule has no run of its own within the gap's length after the change:
     * an hourly one runs on at its minute, not once more at the change.
     */
    @Test
    void aScheduleRunningSoonAfterTheGapAddsNoRunAtItsEnd() {
        // Europe/Berlin skips 02:00-03:00 local on 2026-03-29 (01:00Z): 02:30 is gone, 03:30 (01:30Z) is the next run.
        PolicySchedule hourly = new PolicySchedule("30 * * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(hourly, Instant.parse("2026-03-28T23:45:00Z"), 3)).containsExactly(
                Instant.parse("2026-03-29T00:30:00Z"), Instant.parse("2026-03-29T01:30:00Z"),
                Instant.parse("2026-03-29T02:30:00Z"));
        // 02:30 and 03:30: 03:30 runs within the hour after the change and stands for the skipped 02:30.
        PolicySchedule twice = new PolicySchedule("30 2,3 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(twice, Instant.parse("2026-03-28T12:00:00Z"), 4)).containsExactly(
                Instant.parse("2026-03-29T01:30:00Z"),
                Instant.parse("2026-03-30T00:30:00Z"), Instant.parse("2026-03-30T01:30:00Z"),
                Instant.parse("2026-03-31T00:30:00Z"));
    }

    /** Falling back, searched from before it: a repeated local time runs once a day, an hourly schedule in both hours. */
    @Test
    void aTimeTheFallBackRepeatsRunsAsBefore() {
        // Europe/Berlin repeats 02:00-03:00 local on 2026-10-25 (00:00Z-02:00Z).
        PolicySchedule nightly = new PolicySchedule("30 2 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(nightly, Instant.parse("2026-10-24T12:00:00Z"), 2)).containsExactly(
                Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z"));
        PolicySchedule hourly = new PolicySchedule("30 * * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(hourly, Instant.parse("2026-10-24T23:45:00Z"), 3)).containsExactly(
                Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-25T01:30:00Z"),
                Instant.parse("2026-10-25T02:30:00Z"));
    }

    /**
     * The second occurrence of a repeated local time is not a run of a schedule with a fixed minute and hour, whatever
     * the search starts from (the tick searches from every window's start): db-scheduler's cron answers it from a start
     * between the two occurrences, and the policy ran twice that night. Vixie cron's rule: a {@code *} at the start of
     * the minute or hour field runs in both repeated hours.
     */
    @Test
    void aRepeatedLocalTimeIsNotRunAgainFromASearchStartingBetweenItsTwoOccurrences() {
        // Europe/Berlin repeats 02:00-03:00 local on 2026-10-25: 02:30 is 00:30Z (CEST), then 01:30Z (CET).
        PolicySchedule nightly = new PolicySchedule("30 2 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(nightly, Instant.parse("2026-10-25T00:35:00Z"), 1))
                .containsExactly(Instant.parse("2026-10-26T01:30:00Z"));
        assertThat(calendar.nextRuns(nightly, Instant.parse("2026-10-25T01:29:59Z"), 1))
                .containsExactly(Instant.parse("2026-10-26T01:30:00Z"));
        // Several fixed minutes of the repeated hour: each once, in the first hour.
        PolicySchedule twice = new PolicySchedule("0,30 2 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(twice, Instant.parse("2026-10-24T23:45:00Z"), 3)).containsExactly(
                Instant.parse("2026-10-25T00:00:00Z"), Instant.parse("2026-10-25T00:30:00Z"),
                Instant.parse("2026-10-26T01:00:00Z"));
        // America/New_York repeats 01:00-02:00 local on 2026-11-01: 01:30 is 05:30Z (EDT), then 06:30Z (EST).
        PolicySchedule newYork = new PolicySchedule("30 1 * * *", ZoneId.of("America/New_York"));
        assertThat(calendar.nextRuns(newYork, Instant.parse("2026-11-01T05:35:00Z"), 1))
                .containsExactly(Instant.parse("2026-11-02T06:30:00Z"));
        // A weekly schedule on the Sunday of the change: the next run is a week on, not an hour.
        PolicySchedule weekly = new PolicySchedule("30 1 * * 0", ZoneId.of("America/New_York"));
        assertThat(calendar.nextRuns(weekly, Instant.parse("2026-11-01T05:35:00Z"), 1))
                .containsExactly(Instant.parse("2026-11-08T06:30:00Z"));
        // Australia/Lord_Howe repeats half an hour, 01:30-02:00 local on 2026-04-05: 01:45 is 14:45Z, then 15:15Z.
        PolicySchedule lordHowe = new PolicySchedule("45 1 * * *", ZoneId.of("Australia/Lord_Howe"));
        assertThat(calendar.nextRuns(lordHowe, Instant.parse("2026-04-04T14:50:00Z"), 1))
                .containsExactly(Instant.parse("2026-04-05T15:15:00Z"));
        // Pacific/Chatham repeats 02:45-03:45 local on 2026-04-05: db-scheduler's cron drops the first 03:00 (13:15Z)
        // and answers the second (14:15Z); the day's one run is the first, as elsewhere (session 53).
        PolicySchedule chatham = new PolicySchedule("0 3 * * *", ZoneId.of("Pacific/Chatham"));
        assertThat(calendar.nextRuns(chatham, Instant.parse("2026-04-04T11:00:00Z"), 2)).containsExactly(
                Instant.parse("2026-04-04T13:15:00Z"), Instant.parse("2026-04-05T14:15:00Z"));
        assertThat(calendar.nextRuns(chatham, Instant.parse("2026-04-04T13:20:00Z"), 1))
                .containsExactly(Instant.parse("2026-04-05T14:15:00Z"));
    }

    /**
     * Searched from an earlier day, db-scheduler's cron answers the second occurrence of a repeated local time: it is
     * the first occurrence's run, not a repeat of a run never listed (session 53: the plan missed the week's run).
     */
    @Test
    void aRepeatedLocalTimeSearchedFromAnEarlierDayRunsAtItsFirstOccurrence() {
        // Europe/Berlin repeats 02:00-03:00 local on Sunday 2026-10-25: 02:30 is 00:30Z (CEST), then 01:30Z (CET).
        PolicySchedule weekly = new PolicySchedule("30 2 * * 0", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(weekly, Instant.parse("2026-10-20T12:00:00Z"), 2)).containsExactly(
                Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-11-01T01:30:00Z"));
        PolicySchedule monthly = new PolicySchedule("30 2 25 * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(monthly, Instant.parse("2026-10-20T12:00:00Z"), 2)).containsExactly(
                Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-11-25T01:30:00Z"));
    }

    /**
     * Wherever the search starts (the plan from now, the tick from each window's start), the next run is the one a
     * single listing from well before names: for every quarter-hour start within two days of each 2026 change (zones
     * whose changes repeat an hour, half an hour, an hour off the hour, or midnight).
     */
    @Test
    void theNextRunFromAnyStartNearAChangeIsTheNextOfOneListing() {
        List<String> zones = List.of("Europe/Berlin", "America/New_York", "Pacific/Chatham", "Australia/Lord_Howe",
                "America/Santiago");
        List<String> crons = List.of("30 2 * * 0", "0 3 * * *", "45 1 * * *", "0 0 * * *", "0 * * * *");
        List<String> disagreements = new ArrayList<>();
        for (String zoneName : zones) {
            ZoneId zone = ZoneId.of(zoneName);
            for (ZoneOffsetTransition change = zone.getRules().nextTransition(Instant.parse("2026-01-01T00:00:00Z"));
                 change != null && change.getInstant().isBefore(Instant.parse("2027-01-01T00:00:00Z"));
                 change = zone.getRules().nextTransition(change.getInstant())) {
                Instant from = change.getInstant().minus(Duration.ofDays(2));
                Instant to = change.getInstant().plus(Duration.ofDays(2));
                for (String cron : crons) {
                    PolicySchedule schedule = new PolicySchedule(cron, zone);
                    // From a week before, past the end of the starts (and the following run).
                    List<Instant> listing = calendar.nextRuns(schedule, from.minus(Duration.ofDays(7)), 600);
                    assertThat(listing.get(listing.size() - 1)).isAfter(to.plus(Duration.ofDays(7)));
                    for (Instant at = from; at.isBefore(to); at = at.plus(Duration.ofMinutes(15))) {
                        Instant start = at;
                        Instant listed = listing.stream().filter(run -> run.isAfter(start)).findFirst().orElseThrow();
                        List<Instant> next = calendar.nextRuns(schedule, at, 1);
                        if (!next.equals(List.of(listed))) {
                            disagreements.add(zoneName + " '" + cron + "' from " + at + ": " + next + ", listed " + listed);
                            break;
                        }
                    }
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }

    /** A {@code *} at the start of the minute or hour field runs in both repeated hours; a time outside them is unmoved. */
    @Test
    void aWildcardScheduleRunsInBothRepeatedHoursAndATimeOutsideThemIsUnmoved() {
        PolicySchedule hourly = new PolicySchedule("0 * * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(hourly, Instant.parse("2026-10-24T23:45:00Z"), 3)).containsExactly(
                Instant.parse("2026-10-25T00:00:00Z"), Instant.parse("2026-10-25T01:00:00Z"),
                Instant.parse("2026-10-25T02:00:00Z"));
        assertThat(calendar.nextRuns(hourly, Instant.parse("2026-10-25T00:05:00Z"), 1))
                .containsExactly(Instant.parse("2026-10-25T01:00:00Z"));
        PolicySchedule quarterly = new PolicySchedule("*/15 2 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(quarterly, Instant.parse("2026-10-25T00:50:00Z"), 2)).containsExactly(
                Instant.parse("2026-10-25T01:00:00Z"), Instant.parse("2026-10-25T01:15:00Z"));
        // 03:00 and 01:59 local are not repeated: each runs once, wherever the search starts.
        PolicySchedule atThree = new PolicySchedule("0 3 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(atThree, Instant.parse("2026-10-25T00:35:00Z"), 2)).containsExactly(
                Instant.parse("2026-10-25T02:00:00Z"), Instant.parse("2026-10-26T02:00:00Z"));
        PolicySchedule beforeTwo = new PolicySchedule("59 1 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(calendar.nextRuns(beforeTwo, Instant.parse("2026-10-24T12:00:00Z"), 2)).containsExactly(
                Instant.parse("2026-10-24T23:59:00Z"), Instant.parse("2026-10-26T00:59:00Z"));
    }

    @Test
    void fiveFieldExpressionsWithRangesAndStepsAreRead() {
        PolicySchedule weekdays = new PolicySchedule("*/30 9-10 * * 1-5", ZoneId.of("UTC"));
        assertThat(calendar.refusal(weekdays)).isEmpty();
        // 2026-11-27 is a Friday: then Monday.
        assertThat(calendar.nextRuns(weekdays, Instant.parse("2026-11-27T10:45:00Z"), 2)).containsExactly(
                Instant.parse("2026-11-30T09:00:00Z"), Instant.parse("2026-11-30T09:30:00Z"));
    }

    @Test
    void unreadableOrDisabledSchedulesAreRefusedWithAReason() {
        assertThat(calendar.refusal(new PolicySchedule("0 3 * *", ZoneId.of("UTC")))).hasValueSatisfying(
                why -> assertThat(why).startsWith("not a five-field cron expression"));
        assertThat(calendar.refusal(new PolicySchedule("every day", ZoneId.of("UTC")))).isPresent();
        assertThat(calendar.refusal(new PolicySchedule("61 3 * * *", ZoneId.of("UTC")))).isPresent();
        assertThat(calendar.refusal(new PolicySchedule("0 0 0 3 * * *", ZoneId.of("UTC")))).isPresent();
        assertThat(calendar.refusal(new PolicySchedule("-", ZoneId.of("UTC")))).isPresent();
    }

    /** A day that is never (31 February) has no next run, rather than db-scheduler's 2500-01-01, and is refused. */
    @Test
    void aScheduleThatNeverFiresHasNoNextRunsAndIsRefused() {
        PolicySchedule never = new PolicySchedule("0 0 31 2 *", ZoneId.of("UTC"));
        assertThat(calendar.nextRuns(never, Instant.parse("2026-12-06T00:00:00Z"), 3)).isEmpty();
        assertThat(calendar.refusal(never)).hasValueSatisfying(why -> assertThat(why).contains("never fires"));
        PolicySchedule leapDay = new PolicySchedule("0 0 29 2 *", ZoneId.of("UTC"));
        assertThat(calendar.refusal(leapDay)).isEmpty();
        assertThat(calendar.nextRuns(leapDay, Instant.parse("2026-12-06T00:00:00Z"), 1))
                .containsExactly(Instant.parse("2028-02-29T00:00:00Z"));
    }
}
