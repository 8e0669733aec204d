package org.vpsrecovery.adapters.http.facade;

import java.time.Duration;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;

/**
 * How long a period every team's summary, team by team, may cover over HTTP (ADR 0078). An answer's size is its
 * cost: the counts grow with the teams and the buckets, and a year by day team by team was 50 MB of JSON. A limit on
 * this adapter's answers, not on the summary: the service answers any period (the console asks only sums).
 */
final class PerTeamSummaryBound {

    /**
     * By day: ~1,130 counts a day at 10 M events a year and 50 teams, so a week is ~8,000 counts (~1 MB of JSON, as a
     * year by day summed over the teams), a month ~34,000 (4 MB, 0.75 s over HTTP) and a year 415,000 (50 MB, seconds).
     */
    static final int MAX_DAYS_BY_DAY = 7;
    /**
     * By month: a year (a leap year's 366 days) of 50 teams is ~15,600 counts (1.9 MB) at 10 M events, within one
     * answer's body (up to 20,000 counts) and 300 ms (ADR 0138); ten years would be ten times that.
     */
    static final int MAX_DAYS_BY_MONTH = 366;
    /** The bound in words, for the API's description and the refusal alike (a constant, so annotations take it). */
    static final String STATED = "every team's counts, team by team, cover at most " + MAX_DAYS_BY_DAY
            + " days by day and " + MAX_DAYS_BY_MONTH + " by month";

    private PerTeamSummaryBound() {
    }

    /** Whether {@code query} asks every team's counts team by team over a longer period than its bucket allows. */
    static boolean exceededBy(SummaryQuery query) {
        int days = query.bucket() == SummaryBucket.DAY ? MAX_DAYS_BY_DAY : MAX_DAYS_BY_MONTH;
        return query.team().isEmpty() && query.perTeam()
                && Duration.between(query.from(), query.to()).compareTo(Duration.ofDays(days)) > 0;
    }
}
