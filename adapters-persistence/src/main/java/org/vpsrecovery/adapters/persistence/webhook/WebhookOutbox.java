package org.vpsrecovery.adapters.persistence.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.webhook.WebhookEventType;

/**
 * Writes the webhook deliveries a batch of audit events causes, on the batch's own connection and
 * transaction (ADR 0025): one INSERT ... SELECT joins the events to the subscriptions of their
 * team and type, so an event and its deliveries commit, or roll back, together.
 */
public final class WebhookOutbox {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String INSERT = """
            INSERT INTO webhook_delivery (id, subscription_id, event_type, audit_sequence, body, state, dispatched,
                attempts, created_at)
            SELECT gen_random_uuid(), s.id, e.event_type, e.sequence, e.body, 'pending', false, 0, now()
            FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS e(sequence, team, event_type, body)
            JOIN webhook_subscription s ON s.team = e.team AND e.event_type = ANY (string_to_array(s.event_types, ','))""";

    private WebhookOutbox() {
    }

    /** Inserts the deliveries of {@code events}; returns how many. Runs inside the caller's transaction. */
    public static int enqueue(Connection connection, List<RecordedAuditEvent> events) throws SQLException {
        List<Long> sequences = new ArrayList<>();
        List<String> teams = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (RecordedAuditEvent recorded : events) {
            Optional<WebhookEventType> type = WebhookEventType.of(recorded.event());
            if (type.isPresent()) {
                sequences.add(recorded.sequence());
                teams.add(recorded.event().team().value());
                types.add(type.get().wireName());
                bodies.add(body(type.get(), recorded));
            }
        }
        if (sequences.isEmpty()) {
            return 0;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setArray(1, connection.createArrayOf("bigint", sequences.toArray()));
            insert.setArray(2, connection.createArrayOf("text", teams.toArray()));
            insert.setArray(3, connection.createArrayOf("text", types.toArray()));
            insert.setArray(4, connection.createArrayOf("text", bodies.toArray()));
            return insert.executeUpdate();
        }
    }

    /**
     * The message: {@code type}, {@code timestamp} and {@code data}, as the Standard Webhooks
     * specification suggests. Everything in it is platform-written audit data (no secret is ever in
     * an audit event).
     */
    static String body(WebhookEventType type, RecordedAuditEvent recorded) {
        AuditEvent event = recorded.event();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("audit_sequence", recorded.sequence());
        data.put("team", event.team().value());
        data.put("request_id", event.requestId().value());
        event.attemptId().ifPresent(id -> data.put("operation_id", id));
        data.put("operation", event.operation().name().toLowerCase(Locale.ROOT));
        event.server().ifPresent(server -> data.put("server_id", server.value()));
        event.resource().ifPresent(resource -> data.put("resource", Map.of(
                "type", resource.type().name().toLowerCase(Locale.ROOT), "id", resource.id())));
        data.put("outcome", event.outcome().kind().name());
        event.outcome().reasonCode().ifPresent(reason -> data.put("reason_code", reason.name()));
        event.outcome().explanation().or(() -> Optional.ofNullable(event.detail().get(AuditEvent.MESSAGE)))
                .ifPresent(message -> data.put("message", message));
        if (event.providerStatus().isPresent()) {
            data.put("provider_status", event.providerStatus().getAsInt());
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", type.wireName());
        message.put("timestamp", event.occurredAt().toString());
        message.put("data", data);
        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always has a JSON form", e);
        }
    }
}
