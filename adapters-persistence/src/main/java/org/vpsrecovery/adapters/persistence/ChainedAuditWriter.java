package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.webhook.WebhookOutbox;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;

/**
 * Writes one batch of audit events onto the chain, in one short transaction: lock the chain head
 * row, give the events consecutive sequences and chained hashes, insert them and move the head in
 * one statement, write the webhook deliveries they cause, commit. The head row lock orders batches
 * across service instances; it is held only for this transaction, never across a request.
 *
 * <p>Hand-written JDBC on purpose (ADR 0030): the row lock, the set-based insert of the whole batch
 * with the head's move, and the outbox all share one connection and one transaction, which a
 * Micronaut Data repository (a connection per call, an entity per row) cannot express.
 */
final class ChainedAuditWriter implements GroupCommit.BatchWriter {

    // The whole batch as one array per column and the head move in one statement: one round trip
    // whatever the batch size, and one SQL text, so the server keeps it prepared.
    private static final String INSERT_AND_MOVE_HEAD = """
            WITH inserted AS (
                INSERT INTO audit_event (sequence, occurred_at, team, request_id, operation, server_id,
                    resource_type, resource_id, outcome_kind, outcome_reason, outcome_cause, provider_status,
                    detail, previous_hash, hash)
                SELECT b.sequence::bigint, b.occurred_at::timestamptz, b.team, b.request_id, b.operation,
                    b.server_id::bigint, b.resource_type, b.resource_id::bigint, b.outcome_kind, b.outcome_reason,
                    b.outcome_cause, b.provider_status::smallint, b.detail::jsonb, decode(b.previous_hash, 'hex'),
                    decode(b.hash, 'hex')
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                    ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                    AS b(sequence, occurred_at, team, request_id, operation, server_id, resource_type, resource_id,
                    outcome_kind, outcome_reason, outcome_cause, provider_status, detail, previous_hash, hash)
                RETURNING 1)
            UPDATE audit_chain_head SET last_sequence = ?, last_hash = decode(?, 'hex')
            WHERE id = 1 AND (SELECT count(*) FROM inserted) = ?""";

    private static final int COLUMN_COUNT = 15;

    private final DataSource dataSource;
    private final WebhookOutbox outbox;

    ChainedAuditWriter(DataSource dataSource, WebhookOutbox outbox) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
    }

    @Override
    public List<RecordedAuditEvent> write(List<AuditEvent> batch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            List<RecordedAuditEvent> written;
            try {
                written = insertChained(connection, batch);
                // The webhook deliveries these events cause, in the same transaction (ADR 0025).
                outbox.enqueue(connection, written);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                restoreAutoCommitQuietly(connection, e);
                throw e;
            }
            // Committed: the callers are told so even if the connection fails now (the pool discards it).
            restoreAutoCommitQuietly(connection, null);
            return written;
        }
    }

    /** A connection that just failed (killed, say) must not hide why with its own "connection closed". */
    private static void restoreAutoCommitQuietly(Connection connection, Exception cause) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
    }

    private static List<RecordedAuditEvent> insertChained(Connection connection, List<AuditEvent> batch)
            throws SQLException {
        long sequence;
        ChainHash previous;
        try (PreparedStatement head = connection.prepareStatement(
                "SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE");
             ResultSet rs = head.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the audit chain head row is missing; was migration V1 applied?");
            }
            sequence = rs.getLong(1);
            previous = ChainHash.of(rs.getBytes(2));
        }
        List<RecordedAuditEvent> written = new ArrayList<>(batch.size());
        String[][] columns = new String[COLUMN_COUNT][batch.size()];
        for (int row = 0; row < batch.size(); row++) {
            AuditEvent event = batch.get(row);
            sequence++;
            ChainHash hash = AuditChain.link(previous, sequence, event);
            String[] values = columnValues(sequence, event, previous, hash);
            for (int column = 0; column < COLUMN_COUNT; column++) {
                columns[column][row] = values[column];
            }
            written.add(new RecordedAuditEvent(sequence, event));
            previous = hash;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_AND_MOVE_HEAD)) {
            for (int column = 0; column < COLUMN_COUNT; column++) {
                insert.setArray(column + 1, connection.createArrayOf("text", columns[column]));
            }
            insert.setLong(COLUMN_COUNT + 1, sequence);
            insert.setString(COLUMN_COUNT + 2, previous.hex());
            insert.setInt(COLUMN_COUNT + 3, batch.size());
            if (insert.executeUpdate() != 1) {
                throw new SQLException("the audit chain head did not move; the batch was not written whole");
            }
        }
        return written;
    }

    /** One row as text, in INSERT_AND_MOVE_HEAD's column order; null where the column is null. */
    private static String[] columnValues(long sequence, AuditEvent event, ChainHash previous, ChainHash hash) {
        Outcome outcome = event.outcome();
        return new String[] {
                Long.toString(sequence),
                event.occurredAt().toString(),
                event.team().value(),
                event.requestId().value(),
                event.operation().name(),
                event.server().map(s -> Long.toString(s.value())).orElse(null),
                event.resource().map(r -> r.type().name()).orElse(null),
                event.resource().map(r -> Long.toString(r.id())).orElse(null),
                outcome.kind().name(),
                outcome.reasonCode().map(Enum::name).orElse(null),
                outcome.explanation().orElse(null),
                event.providerStatus().isPresent() ? Integer.toString(event.providerStatus().getAsInt()) : null,
                JsonObjectText.of(event.detail()),
                previous.hex(),
                hash.hex()};
    }

    static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }
}
