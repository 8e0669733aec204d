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
 * Writes one batch of audit events onto the chain, in one short transaction: give the events
 * consecutive sequences and chained hashes after the chain head, insert them and move the head in one
 * statement, write the webhook deliveries they cause, commit. The head row's lock orders batches across
 * service instances; it is held only for this transaction, never across a request.
 *
 * <p>Where the head stands is known without reading it when this writer moved it last and nobody has
 * since (one instance, or the only busy one): the statement then moves the head only from where this
 * writer left it, and inserts only if it did, so a head moved meanwhile by another instance writes
 * nothing and the batch goes the locked way: read the head {@code FOR UPDATE}, hash again, insert
 * (ADR 0049). The locked way stays the rule while other instances write between this one's batches.
 *
 * <p>Hand-written JDBC on purpose (ADR 0030): the row lock, the set-based insert of the whole batch
 * with the head's move, and the outbox all share one connection and one transaction, which a
 * Micronaut Data repository (a connection per call, an entity per row) cannot express. Used by one
 * thread at a time (the group commit's writer).
 */
final class ChainedAuditWriter implements GroupCommit.BatchWriter {

    // The whole batch as one array per column and the head move in one statement: one round trip
    // whatever the batch size, and one SQL text, so the server keeps it prepared. The head moves only
    // from where the caller says it stands; the rows go in only if it did.
    private static final String INSERT_AFTER_HEAD = """
            WITH head AS (
                UPDATE audit_chain_head SET last_sequence = ?, last_hash = decode(?, 'hex')
                WHERE id = 1 AND last_sequence = ? AND last_hash = decode(?, 'hex')
                RETURNING 1),
            inserted AS (
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
                WHERE EXISTS (SELECT FROM head)
                RETURNING 1)
            SELECT (SELECT count(*) FROM inserted),\s""" + WebhookOutbox.ANY_SUBSCRIBED;

    private static final int COLUMN_COUNT = 15;
    /** The team's place in {@link #columnValues}. */
    private static final int TEAM_COLUMN = 2;

    /** Where the chain ends: its last sequence and hash. */
    private record Head(long sequence, ChainHash hash) {
    }

    /**
     * A batch inserted after a head, before its commit: the events as stored, the head they end at, and whether a
     * webhook subscription wants any of them.
     */
    private record Chained(List<RecordedAuditEvent> written, Head head, boolean subscribed) {
    }

    private final DataSource dataSource;
    private final WebhookOutbox outbox;
    /** The head as this writer's last commit left it; null before the first. */
    private Head lastCommitted;
    /** Whether the last batch found the head where this writer had left it: nobody else is writing. */
    private boolean alone;

    ChainedAuditWriter(DataSource dataSource, WebhookOutbox outbox) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
    }

    @Override
    public List<RecordedAuditEvent> write(List<AuditEvent> batch) throws SQLException {
        Head guess = alone ? lastCommitted : null;
        // Until this batch commits, the next one reads the head.
        alone = false;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            Chained chained;
            boolean nobodyElse;
            try {
                chained = guess == null ? null : insertAfter(connection, batch, guess);
                nobodyElse = chained != null;
                if (chained == null) {
                    Head head = lockHead(connection);
                    nobodyElse = head.equals(lastCommitted);
                    chained = insertAfter(connection, batch, head);
                    if (chained == null) {
                        throw new SQLException("the audit chain head moved while locked; the batch was not written");
                    }
                }
                // The webhook deliveries these events cause, in the same transaction (ADR 0025); none wanted, no
                // statement: a batch of refusals nobody subscribed to is one statement and its commit (ADR 0089).
                if (chained.subscribed()) {
                    outbox.enqueue(connection, chained.written());
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                restoreAutoCommitQuietly(connection, e);
                throw e;
            }
            lastCommitted = chained.head();
            alone = nobodyElse;
            // Committed: the callers are told so even if the connection fails now (the pool discards it).
            restoreAutoCommitQuietly(connection, null);
            return chained.written();
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

    private static Head lockHead(Connection connection) throws SQLException {
        try (PreparedStatement head = connection.prepareStatement(
                "SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE");
             ResultSet rs = head.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the audit chain head row is missing; was migration V1 applied?");
            }
            return new Head(rs.getLong(1), ChainHash.of(rs.getBytes(2)));
        }
    }

    /** Inserts the batch after {@code after} and moves the head past it; null, writing nothing, if the head is elsewhere. */
    private static Chained insertAfter(Connection connection, List<AuditEvent> batch, Head after) throws SQLException {
        long sequence = after.sequence();
        ChainHash previous = after.hash();
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
        boolean subscribed;
        try (PreparedStatement insert = connection.prepareStatement(INSERT_AFTER_HEAD)) {
            insert.setLong(1, sequence);
            insert.setString(2, previous.hex());
            insert.setLong(3, after.sequence());
            insert.setString(4, after.hash().hex());
            for (int column = 0; column < COLUMN_COUNT; column++) {
                insert.setArray(column + 5, connection.createArrayOf("text", columns[column]));
            }
            insert.setArray(COLUMN_COUNT + 5, connection.createArrayOf("text", columns[TEAM_COLUMN]));
            insert.setArray(COLUMN_COUNT + 6, connection.createArrayOf("text", WebhookOutbox.eventTypes(batch)));
            long inserted;
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                inserted = rs.getLong(1);
                subscribed = rs.getBoolean(2);
            }
            if (inserted == 0) {
                return null;
            }
            if (inserted != batch.size()) {
                throw new SQLException("the audit chain took " + inserted + " of " + batch.size() + " events");
            }
        }
        return new Chained(written, new Head(sequence, previous), subscribed);
    }

    /** One row as text, in INSERT_AFTER_HEAD's column order; null where the column is null. */
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
