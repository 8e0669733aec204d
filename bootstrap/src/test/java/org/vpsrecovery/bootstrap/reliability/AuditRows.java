package org.vpsrecovery.bootstrap.reliability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The audit history as the database holds it, read with plain SQL: what the service processes
 * wrote, checked without going through their code.
 */
final class AuditRows {

    /** One audit_event row, the columns these tests look at. */
    record Row(long sequence, String requestId, String operation, String outcome, String reason, Long serverId,
               Long resourceId, String attemptId, boolean reconciled) {

        /** e.g. {@code ACCEPTED}, {@code REJECTED SERVER_BUSY}, {@code FAILED NOT_DONE_AT_PROVIDER}. */
        String kind() {
            return reason == null ? outcome : outcome + " " + reason;
        }

        boolean settles() {
            return outcome.equals("COMPLETED") || outcome.equals("FAILED") || outcome.equals("UNVERIFIABLE");
        }
    }

    private static final String COLUMNS = "sequence, request_id, operation, outcome_kind, outcome_reason, server_id,"
            + " resource_id, detail->>'attempt_id', coalesce(detail->>'reconciled', 'false') = 'true'";

    /** Intents with no later COMPLETED, FAILED or UNVERIFIABLE event of the same attempt. */
    private static final String PENDING = "SELECT " + COLUMNS + " FROM audit_event intent"
            + " WHERE intent.outcome_kind = 'ACCEPTED' AND NOT EXISTS (SELECT 1 FROM audit_event outcome"
            + "   WHERE outcome.detail->>'attempt_id' = intent.detail->>'attempt_id'"
            + "   AND outcome.sequence > intent.sequence"
            + "   AND outcome.outcome_kind IN ('COMPLETED', 'FAILED', 'UNVERIFIABLE'))"
            + " ORDER BY intent.sequence";

    private final DataSource database;

    AuditRows(DataSource database) {
        this.database = database;
    }

    /** Every row whose request id starts with {@code prefix}, in chain order. */
    List<Row> withRequestPrefix(String prefix) {
        return select("SELECT " + COLUMNS + " FROM audit_event WHERE starts_with(request_id, ?) ORDER BY sequence",
                prefix);
    }

    /** The rows of each request id starting with {@code prefix}, each list in chain order. */
    Map<String, List<Row>> byRequest(String prefix) {
        return withRequestPrefix(prefix).stream()
                .collect(Collectors.groupingBy(Row::requestId, LinkedHashMap::new, Collectors.toList()));
    }

    List<Row> forRequest(String requestId) {
        return select("SELECT " + COLUMNS + " FROM audit_event WHERE request_id = ? ORDER BY sequence", requestId);
    }

    /** The final outcome of a request's one attempt, if it has one yet. */
    Optional<Row> settledOutcome(String requestId) {
        return forRequest(requestId).stream().filter(Row::settles).reduce((first, second) -> second);
    }

    List<Row> pendingIntents() {
        return select(PENDING);
    }

    private List<Row> select(String sql, String... parameters) {
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            List<Row> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(result.getLong(1), result.getString(2), result.getString(3), result.getString(4),
                            result.getString(5), result.getObject(6, Long.class), result.getObject(7, Long.class),
                            result.getString(8), result.getBoolean(9)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the audit history: " + e.getMessage(), e);
        }
    }
}
