package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;

class PerTeamSummaryBoundTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static SummaryQuery everyTeam(Instant from, SummaryBucket bucket, boolean perTeam) {
        return new SummaryQuery(Optional.empty(), from, NOW, bucket, 5, perTeam);
    }

    @Test
    void everyTeamsCountsTeamByTeamAreBoundedByBucket() {
        Instant week = NOW.minus(Duration.ofDays(PerTeamSummaryBound.MAX_DAYS_BY_DAY));
        assertThat(PerTeamSummaryBound.exceededBy(everyTeam(week, SummaryBucket.DAY, true))).isFalse();
        assertThat(PerTeamSummaryBound.exceededBy(everyTeam(week.minusSeconds(1), SummaryBucket.DAY, true))).isTrue();
        assertThat(PerTeamSummaryBound.exceededBy(everyTeam(week.minusSeconds(1), SummaryBucket.MONTH, true))).isFalse();
        Instant halfYear = NOW.minus(Duration.ofDays(PerTeamSummaryBound.MAX_DAYS_BY_MONTH));
        assertThat(PerTeamSummaryBound.exceededBy(everyTeam(halfYear, SummaryBucket.MONTH, true))).isFalse();
        assertThat(PerTeamSummaryBound.exceededBy(everyTeam(halfYear.minusSeconds(1), SummaryBucket.MONTH, true)))
                .isTrue();
    }

    @Test
    void sumsAndOneTeamsSummaryAreNotBounded() {
        Instant year = NOW.minus(Duration.ofDays(366));
        assertThat(PerTeamSummaryBound.exceededBy(everyTeam(year, SummaryBucket.DAY, false))).isFalse();
        assertThat(PerTeamSummaryBound.exceededBy(new SummaryQuery(Optional.of(new TeamId("blue")), year, NOW,
                SummaryBucket.DAY, 5, false))).isFalse();
    }
}
