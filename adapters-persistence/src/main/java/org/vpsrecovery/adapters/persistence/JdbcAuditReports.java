package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import javax.sql.DataSource;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.port.AuditEventAltered;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.report.AuditEventPage;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.report.RecoveryActivity;
import org.vpsrecovery.domain.report.RestoreRequested;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The audit reports over {@code audit_event}, read-only, through Micronaut Data
 * ({@link AuditEventRowRepository}). Each query is shaped for an index of migration V4 (see
 * docs/adr/0020): pages walk an index ending in {@code sequence} backwards, the summary groups an
 * index-only scan of the period (whole days and months from the counts of V28, ADR 0046 and 0053), the recovery activity takes one index probe per server and operation.
 */
public final class JdbcAuditReports implements AuditReports {

    /** Rows per round trip when streaming: bounds memory whatever the export's size. */
    static final int STREAM_BATCH = 1000;

    private final AuditEventRows rows;
    private final AuditSummaryCounts counts;

    private final DataSource dataSource;

    public JdbcAuditReports(AuditEventRows rows, DataSource dataSource) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.counts = new AuditSummaryCounts(dataSource);
    }

    @Override
    public AuditEventPage page(AuditEventFilter filter, OptionalLong beforeSequence, int limit) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(beforeSequence, "before sequence");
        AuditReports.requirePageLimit(limit);
        // One row more than the page: whether it exists says if there is a next page.
        return rows.reportPage(filter, beforeSequence, limit);
    }

    /**
     * Keyset batches of the same filtered query, each older than the last one read. Sequences become
     * visible in order (each batch commits under the chain head lock) and rows never change, so the
     * batches read exactly what one snapshot taken at the first batch would, without holding a
     * connection or a transaction between reads.
     */
    @Override
    public AuditEventStream stream(AuditEventFilter filter) {
        Objects.requireNonNull(filter, "filter");
        return new KeysetStream(filter);
    }

    private final class KeysetStream implements AuditEventStream {
        private final AuditEventFilter filter;
        private final Deque<AuditHistoryEntry> batch = new ArrayDeque<>();
        private OptionalLong before = OptionalLong.empty();
        private boolean exhausted;
        /** The row a batch stopped at: thrown once every event before it is taken, and from then on. */
        private AuditEventAltered altered;

        KeysetStream(AuditEventFilter filter) {
            this.filter = filter;
        }

        @Override
        public boolean hasNext() {
            if (batch.isEmpty() && altered != null) {
                throw altered;
            }
            if (batch.isEmpty() && !exhausted) {
                List<AuditEventRow> next = rows.exportBatch(filter, before, STREAM_BATCH);
                exhausted = next.size() < STREAM_BATCH;
                if (!next.isEmpty()) {
                    before = OptionalLong.of(next.getLast().sequence());
                }
                // Each row read as it comes: the genuine events before an altered row are the export's, the row
                // itself is where it stops (ADR 0005, amended in session 41); a row a later release wrote, whose hash
                // holds, goes out as such (amended in session 49).
                for (AuditEventRow row : next) {
                    try {
                        batch.addLast(AuditEventRows.entry(row));
                    } catch (AuditEventAltered stop) {
                        altered = stop;
                        exhausted = true;
                        break;
                    }
                }
                if (batch.isEmpty() && altered != null) {
                    throw altered;
                }
            }
            return !batch.isEmpty();
        }

        @Override
        public AuditHistoryEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more audit events");
            }
            return batch.removeFirst();
        }

        @Override
        public void close() {
            exhausted = true;
            altered = null;
            batch.clear();
        }
    }

    /**
     * Whole UTC months (by month) and whole UTC days from the pre-aggregates (V28, V34, ADR 0046), the
     * partial days at the period's edges from the events; a period within one day's span reads only
     * events. The whole days' counts come without their reasons and the reasons summed apart (V34,
     * ADR 0060; by month too since V35; V28's day counts with both were dropped by V36); the whole months' too
     * (V54's month groups, ADR 0138).
     * Summed over every team (ADR 0078), the whole days come from V40's day counts without the team.
     * The parts are read in one snapshot and summed in one {@link SummaryFold} (ADR 0053), so the answer is the
     * one a recomputation over the events gives.
     */
    @Override
    public AuditSummary summarize(SummaryQuery query) {
        Objects.requireNonNull(query, "query");
        LocalDate firstWholeDay = utcDay(query.from());
        if (firstWholeDay.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(query.from())) {
            firstWholeDay = firstWholeDay.plusDays(1);
        }
        LocalDate endOfWholeDays = utcDay(query.to());
        Instant wholeFrom = firstWholeDay.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant wholeTo = endOfWholeDays.atStartOfDay(ZoneOffset.UTC).toInstant();
        if (!wholeFrom.isBefore(wholeTo)) {
            return counts.recount(query);
        }
        LocalDate firstDay = firstWholeDay;
        LocalDate firstWholeMonth = firstWholeDay.withDayOfMonth(1).isBefore(firstWholeDay)
                ? firstWholeDay.withDayOfMonth(1).plusMonths(1) : firstWholeDay;
        LocalDate endOfWholeMonths = endOfWholeDays.withDayOfMonth(1);
        return counts.summarize(query, reads -> {
            if (query.from().isBefore(wholeFrom)) {
                reads.events(query.from(), wholeFrom);
            }
            if (query.overTeams()) {
                // Summed over every team: the whole days from V40's table, ~50 rows a day (ADR 0078).
                reads.platformDays(firstDay, endOfWholeDays);
                if (wholeTo.isBefore(query.to())) {
                    reads.events(wholeTo, query.to());
                }
                return;
            }
            boolean wholeMonths = firstWholeMonth.isBefore(endOfWholeMonths);
            if (query.bucket() == SummaryBucket.DAY) {
                // The counts one row each (V34); the reasons summed by the database, whole months from their counts.
                reads.dayGroups(firstDay, endOfWholeDays);
                if (wholeMonths) {
                    dayReasons(reads, firstDay, firstWholeMonth);
                    reads.monthReasons(firstWholeMonth, endOfWholeMonths);
                    dayReasons(reads, endOfWholeMonths, endOfWholeDays);
                } else {
                    reads.dayReasons(firstDay, endOfWholeDays);
                }
            } else if (wholeMonths) {
                // The months' groups and their reasons apart (V54), as the days'.
                days(reads, firstDay, firstWholeMonth);
                reads.monthGroups(firstWholeMonth, endOfWholeMonths);
                reads.monthReasons(firstWholeMonth, endOfWholeMonths);
                days(reads, endOfWholeMonths, endOfWholeDays);
            } else {
                days(reads, firstDay, endOfWholeDays);
            }
            if (wholeTo.isBefore(query.to())) {
                reads.events(wholeTo, query.to());
            }
        });
    }

    /** The whole days' groups and their reasons apart (V34). */
    private static void days(AuditSummaryCounts.Reads reads, LocalDate from, LocalDate to) throws SQLException {
        if (from.isBefore(to)) {
            reads.dayGroups(from, to);
            reads.dayReasons(from, to);
        }
    }

    private static void dayReasons(AuditSummaryCounts.Reads reads, LocalDate from, LocalDate to) throws SQLException {
        if (from.isBefore(to)) {
            reads.dayReasons(from, to);
        }
    }

    /** The first completed create or restore of {@code server} whose time is not finite (the activity's max read it). */
    private long eventWithoutATime(ServerId server, Optional<TeamId> byTeam) {
        String sql = "SELECT min(sequence) FROM audit_event WHERE server_id = ? AND outcome_kind = 'COMPLETED'"
                + " AND operation IN ('CREATE_SNAPSHOT', 'CREATE_MANUAL_BACKUP', 'RESTORE_SNAPSHOT',"
                + " 'RESTORE_SERVER_FROM_BACKUP') AND NOT isfinite(occurred_at)" + (byTeam.isPresent() ? " AND team = ?" : "");
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, server.value());
            if (byTeam.isPresent()) {
                select.setString(2, byTeam.get().value());
            }
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                long sequence = rs.getLong(1);
                if (rs.wasNull()) {
                    throw new IllegalStateException("server " + server + "'s recovery activity has a time no event has");
                }
                return sequence;
            }
        } catch (SQLException e) {
            throw DatabaseFailure.of("read the recovery activity", e);
        }
    }

    private static LocalDate utcDay(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    @Override
    public Map<ServerId, RecoveryActivity> recoveryActivity(Set<ServerId> servers, Optional<TeamId> byTeam) {
        Objects.requireNonNull(servers, "servers");
        Objects.requireNonNull(byTeam, "by team (may be empty, not null)");
        if (servers.isEmpty()) {
            return Map.of();
        }
        List<AuditEventRowRepository.ActivityRow> found =
                rows.recoveryActivity(servers.stream().map(ServerId::value).sorted().toList(), byTeam);
        Map<ServerId, RecoveryActivity> activity = new HashMap<>();
        for (AuditEventRowRepository.ActivityRow row : found) {
            ServerId server = new ServerId(row.serverId());
            // A time no event can have (PostgreSQL's 'infinity', read as a year ±292 million) was served as the last
            // create or restore: it is a row changed outside the platform, named as the pages name it (ADR 0005,
            // amended in session 41).
            for (Instant last : new Instant[] {row.lastCreate(), row.lastRestore(), row.restoreRequestedAt()}) {
                try {
                    if (last != null) {
                        AuditChain.epochMicros(last);
                    }
                } catch (IllegalArgumentException noEventsTime) {
                    throw new AuditEventAltered(eventWithoutATime(server, byTeam), ChainVerifier.notAnEvent(noEventsTime));
                }
            }
            activity.put(server, new RecoveryActivity(server, Optional.ofNullable(row.lastCreate()),
                    Optional.ofNullable(row.lastRestore()), Optional.ofNullable(row.restoreRequestedAt())
                    .map(at -> new RestoreRequested(at, RestoreRequested.Ending.of(
                            Optional.ofNullable(row.restoreOutcomeKind()).map(Outcome.Kind::valueOf),
                            Optional.ofNullable(row.restoreOutcomeReason()))))));
        }
        return activity;
    }
}
