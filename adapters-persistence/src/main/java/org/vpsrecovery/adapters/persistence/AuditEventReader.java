package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;

/** The audit history's reads: a page of the filter, and the intents still without an outcome. */
final class AuditEventReader {

    private final DataSource dataSource;

    AuditEventReader(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
    }

    List<RecordedAuditEvent> page(AuditQuery query) {
        return select(AuditEventSql.events(query.filter(), query.beforeSequence(), OptionalLong.of(query.limit())),
                "query the audit history");
    }

    List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, int limit) {
        String sql = "SELECT " + AuditEventSql.COLUMNS + " FROM audit_event intent"
                + " WHERE intent.outcome_kind = 'ACCEPTED' AND intent.occurred_at < ?"
                + " AND NOT EXISTS (SELECT 1 FROM audit_event outcome"
                // Same attempt (AuditEvent#sameAttemptAs): by attempt id, or request id for rows written before it.
                // (->> IS NULL, not the jsonb ? operator, which JDBC would take for a parameter)
                + "   WHERE (CASE WHEN intent.detail->>'attempt_id' IS NOT NULL"
                + "          THEN outcome.detail->>'attempt_id' = intent.detail->>'attempt_id'"
                + "          ELSE outcome.detail->>'attempt_id' IS NULL AND outcome.request_id = intent.request_id"
                + "               AND outcome.operation = intent.operation END)"
                + "   AND outcome.sequence > intent.sequence AND outcome.outcome_kind IN ('COMPLETED', 'FAILED', 'UNVERIFIABLE'))"
                + " ORDER BY intent.sequence LIMIT ?";
        return select(new AuditEventSql.Select(sql, List.of(
                (ps, i) -> ps.setObject(i, OffsetDateTime.ofInstant(acceptedBefore, ZoneOffset.UTC)),
                (ps, i) -> ps.setInt(i, limit))), "list pending intents");
    }

    private List<RecordedAuditEvent> select(AuditEventSql.Select select, String what) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = select.prepare(connection);
             ResultSet rs = statement.executeQuery()) {
            List<RecordedAuditEvent> events = new ArrayList<>();
            while (rs.next()) {
                events.add(AuditEventSql.toRecorded(rs));
            }
            return events;
        } catch (SQLException e) {
            throw new DatabaseFailure("could not " + what + ": " + e.getMessage(), e);
        }
    }
}
