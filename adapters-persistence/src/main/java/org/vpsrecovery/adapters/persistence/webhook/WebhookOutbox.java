package org.vpsrecovery.adapters.persistence.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.WebhookMessageFormat;
import org.vpsrecovery.domain.webhook.WebhookEventType;

/**
 * Writes the webhook deliveries a batch of audit events causes, on the batch's own connection and
 * transaction (ADR 0025): one INSERT ... SELECT joins the events to the subscriptions of their
 * team and type, so an event and its deliveries commit, or roll back, together. The message text
 * comes from the {@link WebhookMessageFormat} (the HTTP side's wire format), once per event, and is
 * stored as is: the deliverer signs and sends exactly these bytes.
 */
public final class WebhookOutbox {

    // Hand-written JDBC: it runs on the chained insert's connection, inside its transaction, as one
    // set-based statement over the batch's arrays; a repository would take a connection of its own.
    /** Which subscriptions an event {@code e} (its {@code team} and {@code event_type}) goes to. */
    private static final String SUBSCRIBED = "s.team = e.team AND e.event_type = ANY (string_to_array(s.event_types, ','))";

    /**
     * An SQL condition, true when some subscription wants one of the events given as two arrays (the teams, the event
     * types, {@code null} for an event of no type): the chained insert asks it in its own statement, so that a batch
     * nobody subscribed to costs no message text and no statement of the outbox (ADR 0089).
     */
    public static final String ANY_SUBSCRIBED = "EXISTS (SELECT FROM unnest(?::text[], ?::text[]) AS e(team, event_type) "
            + "JOIN webhook_subscription s ON " + SUBSCRIBED + ")";

    private static final String INSERT = """
            INSERT INTO webhook_delivery (id, subscription_id, event_type, audit_sequence, body, state, dispatched,
                attempts, created_at)
            SELECT gen_random_uuid(), s.id, e.event_type, e.sequence, e.body, 'pending', false, 0, now()
            FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS e(sequence, team, event_type, body)
            JOIN webhook_subscription s ON\s""" + SUBSCRIBED;

    private final WebhookMessageFormat format;

    public WebhookOutbox(WebhookMessageFormat format) {
        this.format = Objects.requireNonNull(format, "format");
    }

    /** Each event's webhook type as sent ({@code null} for an event that causes none), for {@link #ANY_SUBSCRIBED}. */
    public static String[] eventTypes(List<AuditEvent> events) {
        String[] types = new String[events.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = WebhookEventType.of(events.get(i)).map(WebhookEventType::wireName).orElse(null);
        }
        return types;
    }

    /** Inserts the deliveries of {@code events}; returns how many. Runs inside the caller's transaction. */
    public int enqueue(Connection connection, List<RecordedAuditEvent> events) throws SQLException {
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
                bodies.add(format.body(type.get(), recorded));
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
}
