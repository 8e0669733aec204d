package org.vpsrecovery.adapters.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * How the adapters read {@code audit_event}: the columns, the one filter as one WHERE clause, and
 * one row mapping, shared by the history's queries and the auditors' reports. Hand-written SQL:
 * the detail map is read as two sorted arrays and the filters map onto the indexes of V4 (ADR 0020).
 */
final class AuditEventSql {

    static final String COLUMNS = "sequence, occurred_at, team, request_id, operation, server_id, "
            + "resource_type, resource_id, outcome_kind, outcome_reason, outcome_cause, provider_status, "
            + "(SELECT array_agg(key ORDER BY key) FROM jsonb_each_text(detail)) AS detail_keys, "
            + "(SELECT array_agg(value ORDER BY key) FROM jsonb_each_text(detail)) AS detail_values, "
            + "previous_hash, hash";

    private AuditEventSql() {
    }

    @FunctionalInterface
    interface SqlParameter {
        void bind(PreparedStatement statement, int index) throws SQLException;
    }

    /** A statement and its parameters, bound in order when prepared. */
    record Select(String sql, List<SqlParameter> parameters) {
        PreparedStatement prepare(Connection connection) throws SQLException {
            PreparedStatement statement = connection.prepareStatement(sql);
            try {
                for (int i = 0; i < parameters.size(); i++) {
                    parameters.get(i).bind(statement, i + 1);
                }
                return statement;
            } catch (SQLException | RuntimeException e) {
                statement.close();
                throw e;
            }
        }
    }

    /** The events passing {@code filter}, newest first, older than the cursor, at most {@code limit} rows. */
    static Select events(AuditEventFilter filter, OptionalLong beforeSequence, OptionalLong limit) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM audit_event WHERE true");
        List<SqlParameter> parameters = new ArrayList<>();
        filter.team().ifPresent(team -> {
            sql.append(" AND team = ?");
            parameters.add((ps, i) -> ps.setString(i, team.value()));
        });
        filter.server().ifPresent(server -> {
            sql.append(" AND server_id = ?");
            parameters.add((ps, i) -> ps.setLong(i, server.value()));
        });
        if (filter.operations().size() == 1) {
            // Equality, not = ANY: the planner matches it to the (team, operation, sequence) index of V4.
            String name = filter.operations().iterator().next().name();
            sql.append(" AND operation = ?");
            parameters.add((ps, i) -> ps.setString(i, name));
        } else if (!filter.operations().isEmpty()) {
            String[] names = filter.operations().stream().map(Operation::name).sorted().toArray(String[]::new);
            sql.append(" AND operation = ANY (?)");
            parameters.add((ps, i) -> ps.setArray(i, ps.getConnection().createArrayOf("text", names)));
        }
        filter.outcome().ifPresent(kind -> {
            sql.append(" AND outcome_kind = ?");
            parameters.add((ps, i) -> ps.setString(i, kind.name()));
        });
        filter.reason().ifPresent(reason -> {
            sql.append(" AND outcome_reason = ?");
            parameters.add((ps, i) -> ps.setString(i, reason.name()));
        });
        filter.from().ifPresent(from -> {
            sql.append(" AND occurred_at >= ?");
            parameters.add((ps, i) -> ps.setObject(i, utc(from)));
        });
        filter.to().ifPresent(to -> {
            sql.append(" AND occurred_at < ?");
            parameters.add((ps, i) -> ps.setObject(i, utc(to)));
        });
        filter.requestId().ifPresent(requestId -> {
            sql.append(" AND request_id = ?");
            parameters.add((ps, i) -> ps.setString(i, requestId.value()));
        });
        beforeSequence.ifPresent(before -> {
            sql.append(" AND sequence < ?");
            parameters.add((ps, i) -> ps.setLong(i, before));
        });
        sql.append(" ORDER BY sequence DESC");
        limit.ifPresent(rows -> {
            sql.append(" LIMIT ?");
            parameters.add((ps, i) -> ps.setLong(i, rows));
        });
        return new Select(sql.toString(), parameters);
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static RecordedAuditEvent toRecorded(ResultSet rs) throws SQLException {
        Instant occurredAt = rs.getObject("occurred_at", OffsetDateTime.class).toInstant();
        long serverId = rs.getLong("server_id");
        Optional<ServerId> server = rs.wasNull() ? Optional.empty() : Optional.of(new ServerId(serverId));
        String resourceType = rs.getString("resource_type");
        long resourceId = rs.getLong("resource_id");
        Optional<ResourceRef> resource = resourceType == null ? Optional.empty()
                : Optional.of(new ResourceRef(ResourceRef.Type.valueOf(resourceType), resourceId));
        String reason = rs.getString("outcome_reason");
        Outcome outcome = Outcome.of(Outcome.Kind.valueOf(rs.getString("outcome_kind")),
                Optional.ofNullable(reason).map(ReasonCode::valueOf), Optional.ofNullable(rs.getString("outcome_cause")));
        int providerStatus = rs.getInt("provider_status");
        OptionalInt status = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(providerStatus);
        AuditEvent event = new AuditEvent(occurredAt, new TeamId(rs.getString("team")),
                new RequestId(rs.getString("request_id")), Operation.valueOf(rs.getString("operation")), server,
                resource, outcome, status, detail(rs.getArray("detail_keys"), rs.getArray("detail_values")));
        return new RecordedAuditEvent(rs.getLong("sequence"), event);
    }

    private static Map<String, String> detail(Array keys, Array values) throws SQLException {
        if (keys == null) {
            return Map.of();
        }
        String[] k = (String[]) keys.getArray();
        String[] v = (String[]) values.getArray();
        Map<String, String> detail = new LinkedHashMap<>();
        for (int i = 0; i < k.length; i++) {
            // A JSON null or non-text value can only come from outside the application.
            if (v[i] == null) {
                throw new IllegalArgumentException("detail " + k[i] + " is not text");
            }
            detail.put(k[i], v[i]);
        }
        return detail;
    }
}
