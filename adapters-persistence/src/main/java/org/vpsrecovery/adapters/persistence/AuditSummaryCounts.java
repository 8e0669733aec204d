package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.vpsrecovery.domain.audit.LaterReleaseEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditEventAltered;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;

/**
 * The summary's grouped counts, read from the day and month counts (V28, V34, V54) and the events, straight into
 * a {@link SummaryFold} (ADR 0053). Hand-written JDBC by column position, as the walk (ADR 0049): a year
 * of every team by day is ~400,000 rows, and Micronaut Data's DTO mapping derived each column's name
 * per row (a third of the summary's samples). Each bucket is its UTC day as an epoch day number, so no
 * timestamp is parsed. The parts of one summary are read in one read-only REPEATABLE READ snapshot,
 * streamed by a cursor rather than held as a result set. Each read of the counts adds, in the same statement, the
 * deltas V52's trigger wrote and no fold has moved yet (ADR 0119): a fold is one transaction, so a statement sees each
 * delta once, folded or not.
 */
final class AuditSummaryCounts {

    private static final int FETCH_SIZE = 10_000;
    private static final String EPOCH = "DATE '1970-01-01'";
    /** The outcomes whose reasons the day reason counts keep (V51): the deltas' other kinds are left out of them. */
    private static final String REASONS_READ = AuditSummary.REASONS_READ.stream()
            .map(kind -> "'" + kind.name() + "'").sorted().collect(Collectors.joining(", "));

    private final DataSource dataSource;

    AuditSummaryCounts(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
    }

    /** One summary's reads, in one snapshot. */
    interface Reads {
        /** The events of {@code [from, to)} grouped, through the covering index audit_event_time_summary. */
        void events(Instant from, Instant to) throws SQLException;

        /**
         * The groups of the whole UTC months {@code [fromMonth, toMonth)} (first days) without their reasons (V54): read
         * with {@link #monthReasons}, they hold the same events.
         */
        void monthGroups(LocalDate fromMonth, LocalDate toMonth) throws SQLException;

        /**
         * The groups of the whole UTC days {@code [fromDay, toDay)} in the query's buckets, without their reasons
         * (V34): read with {@link #dayReasons}, they hold the same events. (V28's day counts with both were dropped
         * by V36.)
         */
        void dayGroups(LocalDate fromDay, LocalDate toDay) throws SQLException;

        /** The reasons of the whole UTC days {@code [fromDay, toDay)}, summed over the period by the database (V34). */
        void dayReasons(LocalDate fromDay, LocalDate toDay) throws SQLException;

        /** The reasons of the whole UTC months {@code [fromMonth, toMonth)}, summed by the database. */
        void monthReasons(LocalDate fromMonth, LocalDate toMonth) throws SQLException;

        /**
         * The whole UTC days {@code [fromDay, toDay)} summed over every team, groups and reasons together (V40,
         * ADR 0078): by day as stored, by month grouped by the database. Only for a summary over every team.
         */
        void platformDays(LocalDate fromDay, LocalDate toDay) throws SQLException;
    }

    @FunctionalInterface
    interface Plan {
        void read(Reads reads) throws SQLException;
    }

    /** The summary of {@code query} made of the parts {@code plan} reads. */
    AuditSummary summarize(SummaryQuery query, Plan plan) {
        SummaryFold fold = new SummaryFold(query);
        ReadOnlySnapshot.read(dataSource, "could not summarise the audit history", connection -> {
            plan.read(new SnapshotReads(connection, query, fold));
            return fold;
        });
        return fold.summary();
    }

    /** The summary recomputed from the events alone: what the counts must always add up to. */
    AuditSummary recount(SummaryQuery query) {
        return summarize(query, reads -> reads.events(query.from(), query.to()));
    }

    private record SnapshotReads(Connection connection, SummaryQuery query, SummaryFold fold) implements Reads {

        @Override
        public void events(Instant from, Instant to) throws SQLException {
            String sql = "SELECT (date_trunc('" + unit(query) + "', occurred_at AT TIME ZONE 'UTC'))::date - " + EPOCH
                    + ", " + teamColumn() + ", operation, outcome_kind, outcome_reason, count(*) FROM audit_event"
                    + " WHERE occurred_at >= ? AND occurred_at < ?" + teamClause() + " GROUP BY 1, 2, 3, 4, 5";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
                select.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
                bindTeam(select, 3);
                select.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        String team = rs.getString(2);
                        String operation = rs.getString(3);
                        String outcome = rs.getString(4);
                        String reason = rs.getString(5);
                        // Grouped from the rows themselves, unlike the counts the appends wrote: a row changed outside
                        // the platform shows here, and is named as the pages name it (ADR 0005, amended in session 41).
                        Optional<String> notAnEvent = notAnEventsGroup(team, operation, outcome, reason);
                        if (notAnEvent.isPresent() && laterReleasesGroup(team, operation, outcome, reason)) {
                            // Counted apart if every row of it is a later release's whose hash holds; the first that
                            // is not is refused as altered, as the pages refuse it (ADR 0005, amended in session 49).
                            requireLaterReleasesRows(from, to, team, operation, outcome, reason);
                        } else if (notAnEvent.isPresent()) {
                            throw altered(from, to, team, operation, outcome, reason, notAnEvent.get());
                        }
                        fold.add(rs.getInt(1), team, operation, outcome, reason, rs.getLong(6));
                    }
                }
            }
        }

        /**
         * Why a group read from the events is no event's: a team, operation, outcome or reason code no append writes,
         * or an outcome with a reason its kind does not have, by the domain's one rule that reading an event back
         * checks too ({@link Outcome.Kind#requireReason}, through {@code AuditEventRows}' {@code Outcome.of}): the
         * database's rules let a changed row keep any text there, and its shape check can be dropped.
         */
        private Optional<String> notAnEventsGroup(String team, String operation, String outcome, String reason) {
            try {
                if (!query.overTeams()) {
                    new TeamId(Objects.requireNonNull(team, "team id"));
                }
                Operation.valueOf(Objects.requireNonNull(operation, "operation"));
                Outcome.Kind.valueOf(Objects.requireNonNull(outcome, "outcome"))
                        .requireReason(Optional.ofNullable(reason).map(ReasonCode::valueOf));
                return Optional.empty();
            } catch (RuntimeException notAnEvent) {
                return Optional.of(ChainVerifier.notAnEvent(notAnEvent));
            }
        }

        /**
         * Whether the group holds a name of a later release's: a valid team, every name written as a stored name is, one
         * of them one this release does not know.
         */
        private boolean laterReleasesGroup(String team, String operation, String outcome, String reason) {
            try {
                if (!query.overTeams()) {
                    new TeamId(Objects.requireNonNull(team, "team id"));
                }
            } catch (RuntimeException notAnEvent) {
                return false;
            }
            return operation != null && outcome != null && AuditEventRows.isStoredName(operation)
                    && AuditEventRows.isStoredName(outcome) && (reason == null || AuditEventRows.isStoredName(reason));
        }

        /** One summary group's rows in {@code [from, to)}: bound by {@link #bindGroup}. */
        private String groupWhere() {
            return "occurred_at >= ? AND occurred_at < ?" + teamClause()
                    + (query.overTeams() ? "" : " AND team IS NOT DISTINCT FROM ?")
                    + " AND operation IS NOT DISTINCT FROM ? AND outcome_kind IS NOT DISTINCT FROM ?"
                    + " AND outcome_reason IS NOT DISTINCT FROM ?";
        }

        private void bindGroup(PreparedStatement select, Instant from, Instant to, String team, String operation,
                               String outcome, String reason) throws SQLException {
            int position = 1;
            select.setObject(position++, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            select.setObject(position++, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            if (query.team().isPresent()) {
                bindTeam(select, position++);
            }
            if (!query.overTeams()) {
                select.setString(position++, team);
            }
            select.setString(position++, operation);
            select.setString(position++, outcome);
            select.setString(position, reason);
        }

        /** Reads the group's rows in {@code [from, to)}, in this snapshot: each a later release's, else altered. */
        private void requireLaterReleasesRows(Instant from, Instant to, String team, String operation, String outcome,
                                              String reason) throws SQLException {
            String sql = "SELECT * FROM audit_event WHERE " + groupWhere() + " ORDER BY sequence";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                bindGroup(select, from, to, team, operation, outcome, reason);
                select.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = select.executeQuery()) {
                    ChainVerifier.Columns columns = new ChainVerifier.Columns(rs);
                    while (rs.next()) {
                        AuditEventRow row;
                        try {
                            row = columns.read(rs);
                        } catch (RuntimeException notAnEvent) {
                            throw new AuditEventAltered(rs.getLong(columns.sequence), ChainVerifier.notAnEvent(notAnEvent));
                        }
                        if (!(AuditEventRows.entry(row) instanceof LaterReleaseEvent)) {
                            throw new AuditEventAltered(row.sequence(), "its group holds a name this release does not know");
                        }
                    }
                }
            }
        }

        /** The first row of the group in {@code [from, to)}, in this snapshot, as {@code AuditEventAltered}. */
        private AuditEventAltered altered(Instant from, Instant to, String team, String operation, String outcome,
                                          String reason, String why) throws SQLException {
            String sql = "SELECT min(sequence) FROM audit_event WHERE " + groupWhere();
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                bindGroup(select, from, to, team, operation, outcome, reason);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    long sequence = rs.getLong(1);
                    if (rs.wasNull()) {
                        throw new IllegalStateException("a group of the summary names no event: " + why);
                    }
                    return new AuditEventAltered(sequence, why);
                }
            }
        }

        @Override
        public void monthGroups(LocalDate fromMonth, LocalDate toMonth) throws SQLException {
            // A row is one count of the answer; the deltas may repeat a group (the fold adds its counts up).
            String sql = "SELECT day - " + EPOCH + ", team, operation, outcome_kind, events"
                    + " FROM audit_monthly_group_count WHERE day >= ? AND day < ?" + teamClause()
                    + " UNION ALL SELECT date_trunc('month', day)::date - " + EPOCH + ", team, operation, outcome_kind,"
                    + " events FROM audit_count_delta WHERE day >= ? AND day < ?" + teamClause();
            try (PreparedStatement select = period(sql, fromMonth, toMonth)) {
                readGroups(select);
            }
        }

        @Override
        public void dayGroups(LocalDate fromDay, LocalDate toDay) throws SQLException {
            // By day a row is one count of the answer (the primary key): nothing to aggregate, no reason to carry.
            // The deltas may repeat a group: the fold adds its counts up.
            String both = "SELECT day, team, operation, outcome_kind, events FROM audit_daily_group_count"
                    + " WHERE day >= ? AND day < ?" + teamClause()
                    + " UNION ALL SELECT day, team, operation, outcome_kind, events FROM audit_count_delta"
                    + " WHERE day >= ? AND day < ?" + teamClause();
            String sql = query.bucket() == SummaryBucket.DAY
                    ? "SELECT day - " + EPOCH + ", team, operation, outcome_kind, events FROM (" + both + ") c"
                    : "SELECT date_trunc('month', day)::date - " + EPOCH + ", team, operation, outcome_kind,"
                    + " sum(events)::bigint FROM (" + both + ") c GROUP BY 1, 2, 3, 4";
            try (PreparedStatement select = period(sql, fromDay, toDay)) {
                readGroups(select);
            }
        }

        @Override
        public void platformDays(LocalDate fromDay, LocalDate toDay) throws SQLException {
            if (!query.overTeams()) {
                throw new IllegalStateException("the platform's day counts hold no team");
            }
            String both = "SELECT day, operation, outcome_kind, outcome_reason, events FROM audit_daily_platform_count"
                    + " WHERE day >= ? AND day < ?"
                    + " UNION ALL SELECT day, operation, outcome_kind, outcome_reason, events FROM audit_count_delta"
                    + " WHERE day >= ? AND day < ?";
            String sql = query.bucket() == SummaryBucket.DAY
                    ? "SELECT day - " + EPOCH + ", NULL::text, operation, outcome_kind, outcome_reason, events"
                    + " FROM (" + both + ") c"
                    : "SELECT date_trunc('month', day)::date - " + EPOCH + ", NULL::text, operation, outcome_kind,"
                    + " outcome_reason, sum(events)::bigint FROM (" + both + ") c GROUP BY 1, 3, 4, 5";
            try (PreparedStatement select = period(sql, fromDay, toDay)) {
                read(select);
            }
        }

        @Override
        public void dayReasons(LocalDate fromDay, LocalDate toDay) throws SQLException {
            reasons("audit_daily_reason_count", " AND outcome_kind IN (" + REASONS_READ + ")", fromDay, toDay);
        }

        @Override
        public void monthReasons(LocalDate fromMonth, LocalDate toMonth) throws SQLException {
            reasons("audit_monthly_count", "", fromMonth, toMonth);
        }

        /**
         * The period's events per outcome and reason, summed by the database: a few dozen rows. {@code deltaKinds}
         * keeps the deltas to the kinds {@code table} holds.
         */
        private void reasons(String table, String deltaKinds, LocalDate from, LocalDate to) throws SQLException {
            String sql = "SELECT outcome_kind, outcome_reason, sum(events)::bigint FROM ("
                    + "SELECT outcome_kind, outcome_reason, events FROM " + table
                    + " WHERE day >= ? AND day < ?" + teamClause()
                    + " UNION ALL SELECT outcome_kind, outcome_reason, events FROM audit_count_delta"
                    + " WHERE day >= ? AND day < ?" + teamClause() + deltaKinds + ") r GROUP BY 1, 2";
            try (PreparedStatement select = period(sql, from, to); ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    fold.addReason(rs.getString(1), rs.getString(2), rs.getLong(3));
                }
            }
        }

        /** {@code sql} with its two arms' periods (and team) bound: the counts' then the deltas'. */
        private PreparedStatement period(String sql, LocalDate from, LocalDate to) throws SQLException {
            PreparedStatement select = connection.prepareStatement(sql);
            try {
                int position = 1;
                for (int arm = 0; arm < 2; arm++) {
                    select.setDate(position++, Date.valueOf(from));
                    select.setDate(position++, Date.valueOf(to));
                    if (query.team().isPresent()) {
                        bindTeam(select, position++);
                    }
                }
                return select;
            } catch (SQLException | RuntimeException e) {
                select.close();
                throw e;
            }
        }

        /** Summed over every team, no team is read (the fold takes a null team as "every team"). */
        private String teamColumn() {
            return query.overTeams() ? "NULL::text" : "team";
        }

        /** A team's summary names it; every team's has no condition at all (no "? IS NULL OR" for the planner). */
        private String teamClause() {
            return query.team().isPresent() ? " AND team = ?" : "";
        }

        private void bindTeam(PreparedStatement select, int position) throws SQLException {
            if (query.team().isPresent()) {
                select.setString(position, query.team().map(TeamId::value).orElseThrow());
            }
        }

        /** Groups without their reasons: bucket, team, operation, outcome, events. */
        private void readGroups(PreparedStatement select) throws SQLException {
            select.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    fold.addGroup(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5));
                }
            }
        }

        private void read(PreparedStatement select) throws SQLException {
            select.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    fold.add(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getLong(6));
                }
            }
        }
    }

    /** The date_trunc unit of the query's buckets; never caller text. */
    private static String unit(SummaryQuery query) {
        return switch (query.bucket()) {
            case DAY -> "day";
            case MONTH -> "month";
        };
    }
}
