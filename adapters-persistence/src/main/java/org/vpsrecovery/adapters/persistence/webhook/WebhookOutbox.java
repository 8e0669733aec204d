package org.vpsrecovery.adapters.persistence.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.WebhookMessageFormat;
import org.vpsrecovery.domain.webhook.WebhookEventType;

/**
 * The webhook deliveries a batch of audit events causes, written by the batch's own statement (ADR 0025, 0088):
 * {@link #DELIVERIES} is a part of the chained insert's {@code WITH}, which joins the events to the subscriptions
 * of their team and type, so an event and its deliveries commit, or roll back, together. The message text comes
 * from the {@link WebhookMessageFormat} (the HTTP side's wire format), once per event, and is stored as is: the
 * deliverer signs and sends exactly these bytes.
 *
 * <p>A removed subscription gets no delivery. One removed after this statement's snapshot may still get one: its
 * removal ({@link WebhookRows#REMOVE}) takes the row's FOR NO KEY UPDATE lock, which the delivery's foreign-key check
 * (FOR KEY SHARE) does not wait for, so the append, which holds the chain head, never waits on a removal. Such a
 * delivery is never handed over and goes with the purge.
 */
public final class WebhookOutbox {

    /**
     * A data-modifying {@code WITH} part, after the chained insert's {@code head} (which it requires to have moved):
     * one set-based insert over four arrays, bound by {@link #bind}. Hand-written JDBC: it is a part of the chained
     * insert's one statement, which a repository (a connection of its own) cannot join.
     */
    public static final String DELIVERIES = """
            delivered AS (
                INSERT INTO webhook_delivery (id, subscription_id, event_type, audit_sequence, body, state, dispatched,
                    attempts, created_at)
                SELECT gen_random_uuid(), s.id, e.event_type, e.sequence, e.body, 'pending', false, 0, now()
                FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS e(sequence, team, event_type, body)
                JOIN webhook_subscription s ON s.team = e.team AND e.event_type = ANY (string_to_array(s.event_types, ','))
                    AND s.deleted_at IS NULL
                WHERE EXISTS (SELECT FROM head))""";

    /** How many parameters {@link #DELIVERIES} takes. */
    public static final int PARAMETERS = 4;

    private final WebhookMessageFormat format;

    public WebhookOutbox(WebhookMessageFormat format) {
        this.format = Objects.requireNonNull(format, "format");
    }

    /**
     * Binds {@link #DELIVERIES}'s parameters, from {@code first} on, to the deliveries {@code events} cause (empty
     * arrays when none does).
     */
    public void bind(Connection connection, PreparedStatement statement, int first, List<RecordedAuditEvent> events)
            throws SQLException {
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
        statement.setArray(first, connection.createArrayOf("bigint", sequences.toArray()));
        statement.setArray(first + 1, connection.createArrayOf("text", teams.toArray()));
        statement.setArray(first + 2, connection.createArrayOf("text", types.toArray()));
        statement.setArray(first + 3, connection.createArrayOf("text", bodies.toArray()));
    }
}
