package org.vpsrecovery.domain.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SummaryPeriodTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:15:00Z");

    @Test
    void withoutBoundsADailySummaryCoversThe30DaysUpToTheEndOfToday() {
        SummaryQuery query = SummaryQuery.withDefaultPeriod(Optional.empty(), Optional.empty(), Optional.empty(),
                SummaryBucket.DAY, 10, true, NOW);
        assertThat(query.to()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
        assertThat(query.from()).isEqualTo(Instant.parse("2026-10-25T00:00:00Z"));
    }

    @Test
    void withoutBoundsAMonthlySummaryCovers12MonthsAndGivenBoundsAreKept() {
        SummaryQuery monthly = SummaryQuery.withDefaultPeriod(Optional.empty(), Optional.empty(), Optional.empty(),
                SummaryBucket.MONTH, 10, true, NOW);
        assertThat(monthly.from()).isEqualTo(Instant.parse("2025-12-01T00:00:00Z"));

        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        Instant to = Instant.parse("2026-02-01T00:00:00Z");
        SummaryQuery given = SummaryQuery.withDefaultPeriod(Optional.empty(), Optional.of(from), Optional.of(to),
                SummaryBucket.DAY, 10, true, NOW);
        assertThat(given.from()).isEqualTo(from);
        assertThat(given.to()).isEqualTo(to);
    }

    @Test
    void byMonthTheDefaultStartsOnAMonthsFirstDaySoOnlyTheRunningMonthIsPartial() {
        SummaryQuery lastDayOfAMonth = SummaryQuery.withDefaultPeriod(Optional.empty(), Optional.empty(),
                Optional.empty(), SummaryBucket.MONTH, 10, true, Instant.parse("2026-12-31T23:59:59Z"));
        assertThat(lastDayOfAMonth.to()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(lastDayOfAMonth.from()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));

        SummaryQuery givenEnd = SummaryQuery.withDefaultPeriod(Optional.empty(), Optional.empty(),
                Optional.of(Instant.parse("2026-03-15T12:00:00Z")), SummaryBucket.MONTH, 10, true, NOW);
        assertThat(givenEnd.from()).isEqualTo(Instant.parse("2025-04-01T00:00:00Z"));
    }
}
