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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.webhook.WebhookOutbox;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.ChainWalk;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.AuditHistory;

/**
 * The audit history in PostgreSQL (table {@code audit_event}, migration V1).
 *
 * <p>Appends are group-committed: callers queue their event, and whichever caller holds this
 * instance's writer lock writes everything queued so far in one short transaction that locks the
 * chain head row, inserts the batch with consecutive sequences and chained hashes, moves the head
 * and commits. The head row lock orders batches across service instances; it is held only for
 * that insert, never across a request. Every caller returns only after its own event committed.
 * The same transaction writes the webhook deliveries the events cause ({@link WebhookOutbox}).
 */
public final class JdbcAuditHistory implements AuditHistory {

    /** Upper bound on events per append transaction, to keep the head lock short. */
    public static final int MAX_BATCH = 500;

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
    private final ConcurrentLinkedQueue<PendingAppend> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writer = new ReentrantLock();

    public JdbcAuditHistory(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
    }

    private record PendingAppend(AuditEvent event, CompletableFuture<RecordedAuditEvent> result) {
    }

    @Override
    public RecordedAuditEvent append(AuditEvent event) {
        PendingAppend mine = new PendingAppend(AuditChain.asStored(Objects.requireNonNull(event, "event")),
                new CompletableFuture<>());
        queue.add(mine);
        // Flat combining: one caller at a time writes everything queued; the others wait for their
        // own result, not for the writer lock, and take the lock only if nobody is writing.
        boolean interrupted = false;
        while (!mine.result().isDone()) {
            if (writer.tryLock()) {
                try {
                    while (!mine.result().isDone()) {
                        writeBatch(drain());
                    }
                } finally {
                    writer.unlock();
                }
            } else {
                interrupted |= awaitBriefly(mine.result());
            }
        }
        if (interrupted) {
            // The append is durable or failed; the interrupt is the caller's to handle.
            Thread.currentThread().interrupt();
        }
        try {
            return mine.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new DatabaseFailure("could not append the audit event", e.getCause());
        } catch (InterruptedException e) {
            // Unreachable: the future is complete here.
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until the result is in, or a moment passes (the writer may have left before taking our
     * event). Returns whether the thread was interrupted; the wait goes on regardless, as the event
     * may already be in the database.
     */
    private static boolean awaitBriefly(CompletableFuture<RecordedAuditEvent> result) {
        try {
            result.get(1, TimeUnit.MILLISECONDS);
            return false;
        } catch (TimeoutException | ExecutionException ignored) {
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private List<PendingAppend> drain() {
        List<PendingAppend> batch = new ArrayList<>();
        PendingAppend next;
        while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
            batch.add(next);
        }
        return batch;
    }

    private void writeBatch(List<PendingAppend> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<RecordedAuditEvent> written;
        try {
            written = insertChained(batch);
        } catch (SQLException | RuntimeException e) {
            if (batch.size() > 1 && refusedData(e)) {
                // One event the database refuses must not fail the others that shared its batch.
                batch.forEach(pending -> writeBatch(List.of(pending)));
                return;
            }
            DatabaseFailure failure = new DatabaseFailure("could not append " + batch.size()
                    + " audit event(s): " + e.getMessage(), e);
            batch.forEach(p -> p.result().completeExceptionally(failure));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(written.get(i));
        }
    }

    /** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): this data, not the database. */
    private static boolean refusedData(Exception e) {
        return e instanceof SQLException sql && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"));
    }

    private List<RecordedAuditEvent> insertChained(List<PendingAppend> batch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
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
                    AuditEvent event = batch.get(row).event();
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
                // The webhook deliveries these events cause, in the same transaction (ADR 0025).
                WebhookOutbox.enqueue(connection, written);
                connection.commit();
                return written;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
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

    @Override
    public List<RecordedAuditEvent> query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        return select(AuditEventSql.events(query.filter(), query.beforeSequence(), OptionalLong.of(query.limit())),
                "query the audit history");
    }

    @Override
    public List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, int limit) {
        Objects.requireNonNull(acceptedBefore, "accepted before");
        AuditHistory.requirePendingLimit(limit);
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
                // Not those an open operation follows: the tracker ends them, and they would fill the page
                // ahead of those reconciliation can settle. (The open states: the partial index of V6.)
                + " AND NOT EXISTS (SELECT 1 FROM recovery_operation open_operation"
                + "   WHERE open_operation.state IN ('accepted', 'in_progress', 'unresolved')"
                + "   AND open_operation.id::text = intent.detail->>'attempt_id')"
                + " ORDER BY intent.sequence LIMIT ?";
        return select(new AuditEventSql.Select(sql, List.of(
                (ps, i) -> ps.setObject(i, OffsetDateTime.ofInstant(acceptedBefore, ZoneOffset.UTC)),
                (ps, i) -> ps.setInt(i, limit))), "list pending intents");
    }

    @Override
    public ChainVerification verifyChain() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            // One snapshot for the rows and the head, and a cursor so the table need not fit in memory.
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                ChainVerification result = walk(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(true);
                connection.setReadOnly(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        } catch (SQLException e) {
            throw new DatabaseFailure("could not verify the audit chain: " + e.getMessage(), e);
        }
    }

    private static ChainVerification walk(Connection connection) throws SQLException {
        ChainWalk walk = new ChainWalk();
        try (PreparedStatement rows = connection.prepareStatement(
                "SELECT " + AuditEventSql.COLUMNS + " FROM audit_event ORDER BY sequence")) {
            rows.setFetchSize(1000);
            try (ResultSet rs = rows.executeQuery()) {
                while (rs.next()) {
                    long sequence = rs.getLong("sequence");
                    RecordedAuditEvent recorded;
                    ChainHash previous;
                    ChainHash hash;
                    try {
                        recorded = AuditEventSql.toRecorded(rs);
                        previous = ChainHash.of(rs.getBytes("previous_hash"));
                        hash = ChainHash.of(rs.getBytes("hash"));
                    } catch (IllegalArgumentException e) {
                        return walk.unreadable(sequence, e.getMessage());
                    }
                    Optional<ChainVerification.Broken> broken = walk.next(sequence, recorded.event(), previous, hash);
                    if (broken.isPresent()) {
                        return broken.get();
                    }
                }
            }
        }
        try (PreparedStatement head = connection.prepareStatement(
                "SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1");
             ResultSet rs = head.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the audit chain head row is missing");
            }
            return walk.finish(rs.getLong(1), ChainHash.of(rs.getBytes(2)));
        }
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

    static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }
}
