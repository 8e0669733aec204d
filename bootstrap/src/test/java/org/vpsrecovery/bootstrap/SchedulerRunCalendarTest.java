package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
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
