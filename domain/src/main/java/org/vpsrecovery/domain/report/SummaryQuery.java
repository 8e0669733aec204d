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

    /** Whether this is every team's summary summed over the teams, one count per bucket, operation and outcome. */
    public boolean overTeams() {
        return !perTeam;
    }

    /**
     * The period when the reader names no bound: up to the end of today (UTC), back 30 days by day, or by month the
     * running month and the 11 before it, from the first day; a given bound is kept. Every team's counts are each
     * team's ({@code perTeam}) or their sum.
     */
    public static SummaryQuery withDefaultPeriod(Optional<TeamId> team, Optional<Instant> from, Optional<Instant> to,
                                                 SummaryBucket bucket, int topReasons, boolean perTeam, Instant now) {
        Instant end = to.orElseGet(() -> now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).plusDays(1).toInstant());
        // By month the default starts on a month's first day, so no bucket but the running month is partial (its
        // figure then matches an events page of that calendar month).
        Instant start = from.orElseGet(() -> bucket == SummaryBucket.MONTH
                ? end.minusNanos(1).atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1)
                        .minusMonths(11).toInstant()
                : end.minus(Duration.ofDays(30)));
        return new SummaryQuery(team, start, end, bucket, topReasons, perTeam);
    }

    public SummaryQuery forTeam(TeamId value) {
        return new SummaryQuery(Optional.of(value), from, to, bucket, topReasons, true);
    }
}
