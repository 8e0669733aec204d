package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import javax.sql.DataSource;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.report.AuditEventPage;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.RecoveryActivity;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The audit reports in SQL over {@code audit_event}, read-only. Each query is shaped for an index
 * of migration V4 (see docs/adr/0020): pages walk an index ending in {@code sequence} backwards,
 * the summary groups an index-only scan of the period, the recovery activity takes one index probe
 * per server and operation.
 */
public final class JdbcAuditReports implements AuditReports {

    /** Rows per round trip when streaming: bounds memory whatever the export's size. */
    static final int STREAM_FETCH_SIZE = 1000;

    private final DataSource dataSource;

    public JdbcAuditReports(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    @Override
    public AuditEventPage page(AuditEventFilter filter, OptionalLong beforeSequence, int limit) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(beforeSequence, "before sequence");
        AuditReports.requirePageLimit(limit);
        // One row more than the page: whether it exists says if there is a next page.
        AuditEventSql.Select select = AuditEventSql.events(filter, beforeSequence, OptionalLong.of(limit + 1L));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = select.prepare(connection);
             ResultSet rs = statement.executeQuery()) {
            List<RecordedAuditEvent> events = new ArrayList<>(limit + 1);
            while (rs.next()) {
                events.add(AuditEventSql.toRecorded(rs));
            }
            return AuditEventPage.of(events, limit);
        } catch (SQLException e) {
            throw new DatabaseFailure("could not read a page of audit events: " + e.getMessage(), e);
        }
    }

    @Override
    public AuditEventStream stream(AuditEventFilter filter) {
        Objects.requireNonNull(filter, "filter");
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            // pgjdbc uses a server-side cursor (fetching STREAM_FETCH_SIZE rows at a time) only
            // inside a transaction; read-only and one snapshot for the whole export.
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            PreparedStatement statement = AuditEventSql.events(filter, OptionalLong.empty(), OptionalLong.empty()).prepare(connection);
            statement.setFetchSize(STREAM_FETCH_SIZE);
            return new CursorStream(connection, statement, statement.executeQuery());
        } catch (SQLException | RuntimeException e) {
            if (connection != null) {
                CursorStream.release(connection, e);
            }
            throw new DatabaseFailure("could not start an export of audit events: " + e.getMessage(), e);
        }
    }

    /** A forward-only cursor over the result; closing it ends the transaction and returns the connection. */
    private static final class CursorStream implements AuditEventStream {
        private final Connection connection;
        private final PreparedStatement statement;
        private final ResultSet rows;
        private RecordedAuditEvent next;
        private boolean closed;

        CursorStream(Connection connection, PreparedStatement statement, ResultSet rows) {
            this.connection = connection;
            this.statement = statement;
            this.rows = rows;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (closed) {
                return false;
            }
            try {
                if (rows.next()) {
                    next = AuditEventSql.toRecorded(rows);
                    return true;
                }
                close();
                return false;
            } catch (SQLException e) {
                close();
                throw new DatabaseFailure("could not read the next audit event: " + e.getMessage(), e);
            }
        }

        @Override
        public RecordedAuditEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more audit events");
            }
            RecordedAuditEvent current = next;
            next = null;
            return current;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                rows.close();
                statement.close();
            } catch (SQLException ignored) {
                // The connection's release below ends the cursor in any case.
            }
            release(connection, null);
        }

        static void release(Connection connection, Exception cause) {
            try {
                connection.rollback();
                connection.setAutoCommit(true);
                connection.setReadOnly(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            } catch (SQLException e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                }
            } finally {
                try {
                    connection.close();
                } catch (SQLException e) {
                    if (cause != null) {
                        cause.addSuppressed(e);
                    }
                }
            }
        }
    }

    @Override
    public AuditSummary summarize(SummaryQuery query) {
        Objects.requireNonNull(query, "query");
        // The unit is one of two constants, never caller text. One pass over the period's index
        // gives the counts, the rejection reasons and the provider calls together.
        String unit = switch (query.bucket()) {
            case DAY -> "day";
            case MONTH -> "month";
        };
        String sql = "SELECT date_trunc('" + unit + "', occurred_at, 'UTC') AS bucket, team, operation, outcome_kind,"
                + " outcome_reason, count(*) AS events FROM audit_event"
                + " WHERE occurred_at >= ? AND occurred_at < ?" + (query.team().isPresent() ? " AND team = ?" : "")
                + " GROUP BY 1, 2, 3, 4, 5";
        record Key(Instant bucket, TeamId team, Operation operation, Outcome.Kind outcome) {
        }
        Map<Key, Long> counts = new HashMap<>();
        Map<ReasonCode, Long> rejections = new EnumMap<>(ReasonCode.class);
        long calls = 0;
        long failures = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, utc(query.from()));
            statement.setObject(2, utc(query.to()));
            if (query.team().isPresent()) {
                statement.setString(3, query.team().get().value());
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Instant bucket = rs.getObject("bucket", OffsetDateTime.class).toInstant();
                    Outcome.Kind kind = Outcome.Kind.valueOf(rs.getString("outcome_kind"));
                    long events = rs.getLong("events");
                    counts.merge(new Key(bucket, new TeamId(rs.getString("team")),
                            Operation.valueOf(rs.getString("operation")), kind), events, Long::sum);
                    if (kind == Outcome.Kind.REJECTED) {
                        rejections.merge(ReasonCode.valueOf(rs.getString("outcome_reason")), events, Long::sum);
                    }
                    Optional<ReasonCode> reason = Optional.ofNullable(rs.getString("outcome_reason")).map(ReasonCode::valueOf);
                    calls += AuditSummary.isProviderAnswer(kind, reason) ? events : 0;
                    failures += AuditSummary.isProviderFailure(kind, reason) ? events : 0;
                }
            }
        } catch (SQLException e) {
            throw new DatabaseFailure("could not summarise the audit history: " + e.getMessage(), e);
        }
        return new AuditSummary(query,
                counts.entrySet().stream().map(c -> new AuditSummary.Count(c.getKey().bucket(), c.getKey().team(),
                        c.getKey().operation(), c.getKey().outcome(), c.getValue())).toList(),
                rejections.entrySet().stream().map(r -> new AuditSummary.ReasonCount(r.getKey(), r.getValue())).toList(),
                calls, failures);
    }

    // Each max() is one backward probe of audit_event_server_completed.
    private static final String RECOVERY_ACTIVITY = """
            SELECT s.id,
                greatest((SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'CREATE_SNAPSHOT'),
                         (SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'CREATE_MANUAL_BACKUP')) AS last_create,
                greatest((SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'RESTORE_SNAPSHOT'),
                         (SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'RESTORE_SERVER_FROM_BACKUP')) AS last_restore
            FROM unnest(?::bigint[]) AS s(id)""";

    @Override
    public Map<ServerId, RecoveryActivity> recoveryActivity(Set<ServerId> servers) {
        Objects.requireNonNull(servers, "servers");
        if (servers.isEmpty()) {
            return Map.of();
        }
        Map<ServerId, RecoveryActivity> activity = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(RECOVERY_ACTIVITY)) {
            statement.setArray(1, connection.createArrayOf("bigint",
                    servers.stream().map(ServerId::value).toArray(Long[]::new)));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    ServerId server = new ServerId(rs.getLong("id"));
                    activity.put(server, new RecoveryActivity(server, instant(rs, "last_create"),
                            instant(rs, "last_restore")));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseFailure("could not read the recovery activity: " + e.getMessage(), e);
        }
        return activity;
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }
}
