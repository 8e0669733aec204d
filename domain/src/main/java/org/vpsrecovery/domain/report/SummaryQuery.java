package org.vpsrecovery.domain.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;

/**
 * A summary over {@code [from, to)}, for one team or all. The period is bounded so a summary stays
 * a bounded number of rows: at most {@value #MAX_DAYS} days. Over every team the counts are either each
 * team's ({@code perTeam}) or their sum, one count per bucket, operation and outcome (ADR 0078); a one-team
 * summary is always that team's.
 */
public record SummaryQuery(Optional<TeamId> team, Instant from, Instant to, SummaryBucket bucket, int topReasons,
                           boolean perTeam) {

    public static final int MAX_DAYS = 3660;
    public static final int MAX_TOP_REASONS = 50;
    /**
     * The longest period a by-day summary of every team, team by team, may cover over HTTP (ADR 0078): ~1,130 counts a
     * day at 10 M events a year and 50 teams, so a week is ~8,000 counts (~1 MB of JSON, as a year by day summed over
     * the teams), a month ~34,000 (4 MB, 0.75 s over HTTP) and a year 415,000 (50 MB, seconds).
     */
    public static final int MAX_DAYS_PER_TEAM_BY_DAY = 7;
    /**
     * The same by month: half a year of 50 teams is ~7,800 counts (~1 MB); a year ~15,500 (1.9 MB, 454 ms p95 over
     * HTTP in session 15's run), ten years ten times that.
     */
    public static final int MAX_DAYS_PER_TEAM_BY_MONTH = 184;

    public SummaryQuery {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(bucket, "bucket");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        if (Duration.between(from, to).toDays() > MAX_DAYS) {
            throw new IllegalArgumentException("a summary covers at most " + MAX_DAYS + " days");
        }
        if (topReasons < 1 || topReasons > MAX_TOP_REASONS) {
            throw new IllegalArgumentException("top reasons must be 1-" + MAX_TOP_REASONS);
        }
        perTeam = perTeam || team.isPresent();
    }

    /** Each team's counts (the form before ADR 0078). */
    public SummaryQuery(Optional<TeamId> team, Instant from, Instant to, SummaryBucket bucket, int topReasons) {
        this(team, from, to, bucket, topReasons, true);
    }

    /** Whether this is every team's summary summed over the teams, one count per bucket, operation and outcome. */
    public boolean overTeams() {
        return !perTeam;
    }

    /**
     * Whether it asks every team's counts team by team over more than {@value #MAX_DAYS_PER_TEAM_BY_DAY} days by day or
     * {@value #MAX_DAYS_PER_TEAM_BY_MONTH} days by month.
     */
    public boolean exceedsPerTeamBound() {
        int days = bucket == SummaryBucket.DAY ? MAX_DAYS_PER_TEAM_BY_DAY : MAX_DAYS_PER_TEAM_BY_MONTH;
        return team.isEmpty() && perTeam && Duration.between(from, to).compareTo(Duration.ofDays(days)) > 0;
    }

    /**
     * The period when the reader names no bound: up to the end of today (UTC), back 30 days by day
     * or 12 months by month; a given bound is kept.
     */
    public static SummaryQuery withDefaultPeriod(Optional<TeamId> team, Optional<Instant> from, Optional<Instant> to,
                                                 SummaryBucket bucket, int topReasons, Instant now) {
        return withDefaultPeriod(team, from, to, bucket, topReasons, true, now);
    }

    /** As {@link #withDefaultPeriod(Optional, Optional, Optional, SummaryBucket, int, Instant)}, each team's or summed. */
    public static SummaryQuery withDefaultPeriod(Optional<TeamId> team, Optional<Instant> from, Optional<Instant> to,
                                                 SummaryBucket bucket, int topReasons, boolean perTeam, Instant now) {
        Instant end = to.orElseGet(() -> now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).plusDays(1).toInstant());
        Instant start = from.orElseGet(() -> bucket == SummaryBucket.MONTH
                ? end.atZone(ZoneOffset.UTC).minusMonths(12).toInstant() : end.minus(Duration.ofDays(30)));
        return new SummaryQuery(team, start, end, bucket, topReasons, perTeam);
    }

    public SummaryQuery forTeam(TeamId value) {
        return new SummaryQuery(Optional.of(value), from, to, bucket, topReasons, true);
    }
}
