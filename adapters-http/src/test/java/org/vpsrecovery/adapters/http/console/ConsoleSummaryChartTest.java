package org.vpsrecovery.adapters.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;

/**
 * The summary's chart per bucket (review of session 52): a day without events had no slot, so bars of days apart stood
 * side by side, and a day's label had no year, so a period across New Year read out of order.
 */
class ConsoleSummaryChartTest {

    private static AuditSummary.Count count(String day, long events) {
        return new AuditSummary.Count(Instant.parse(day + "T00:00:00Z"), Optional.empty(), Operation.CREATE_SNAPSHOT,
                Outcome.Kind.ACCEPTED, events);
    }

    private static List<String> bucketLabels(ConsoleViews.Chart chart) {
        // The last two labels are the axis's: its top count and 0.
        List<ConsoleViews.AxisLabel> labels = chart.labels();
        return labels.subList(0, labels.size() - 2).stream().map(ConsoleViews.AxisLabel::text).toList();
    }

    @Test
    void everyDayOfThePeriodHasItsSlotAndAPeriodAcrossNewYearSaysTheYear() {
        SummaryQuery query = new SummaryQuery(Optional.empty(), Instant.parse("2026-12-29T00:00:00Z"),
                Instant.parse("2027-01-03T00:00:00Z"), SummaryBucket.DAY, 10, false);
        AuditSummary summary = new AuditSummary(query, List.of(count("2026-12-29", 3), count("2027-01-02", 1)), List.of(),
                0, 0);

        ConsoleViews.Chart chart = ConsolePages.summary(summary, Map.of()).perBucket();

        assertThat(bucketLabels(chart)).containsExactly("2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01",
                "2027-01-02");
        assertThat(chart.bars()).extracting(ConsoleViews.Bar::label)
                .containsExactly("2026-12-29: 3 accepted", "2027-01-02: 1 accepted");
        // Five slots: the second bar stands four slots right of the first, not next to it.
        double slot = (chart.bars().get(1).x() - chart.bars().get(0).x()) / 4;
        assertThat(slot).isGreaterThan(chart.bars().get(0).width());
    }

    @Test
    void aPeriodWithinOneYearLabelsDaysWithoutIt() {
        SummaryQuery query = new SummaryQuery(Optional.empty(), Instant.parse("2026-12-01T10:00:00Z"),
                Instant.parse("2026-12-04T00:00:00Z"), SummaryBucket.DAY, 10, false);
        AuditSummary summary = new AuditSummary(query, List.of(count("2026-12-02", 2)), List.of(), 0, 0);

        assertThat(bucketLabels(ConsolePages.summary(summary, Map.of()).perBucket()))
                .containsExactly("12-01", "12-02", "12-03");
    }

    @Test
    void everyMonthOfThePeriodHasItsSlot() {
        SummaryQuery query = new SummaryQuery(Optional.of(new TeamId("demo")), Instant.parse("2026-09-01T00:00:00Z"),
                Instant.parse("2026-12-01T00:00:00Z"), SummaryBucket.MONTH, 10, true);
        AuditSummary summary = new AuditSummary(query, List.of(), List.of(), 0, 0);

        assertThat(bucketLabels(ConsolePages.summary(summary, Map.of()).perBucket()))
                .containsExactly("2026-09", "2026-10", "2026-11");
    }
}
