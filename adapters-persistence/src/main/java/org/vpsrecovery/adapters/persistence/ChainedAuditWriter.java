package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.vpsrecovery.adapters.persistence.webhook.WebhookOutbox;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.webhook.WebhookEventType;

/**
 * Writes one batch of audit events onto the chain: give the events consecutive sequences and chained
 * hashes after the chain head, then insert them, move the head and write the webhook deliveries they
 * cause in one statement. The head row's lock orders batches across service instances; it is held only
 * for that statement's transaction, never across a request.
 *
 * <p>Where the head stands is known without reading it when this writer moved it last and nobody has
 * since (one instance, or the only busy one): the statement then moves the head only from where this
 * writer left it, and inserts only if it did, so a head moved meanwhile by another instance writes
 * nothing and the batch goes the locked way: read the head {@code FOR UPDATE}, hash again, insert, in
 * one transaction (ADR 0049). The known way is that one statement committed on its own (ADR 0088). The locked way
 * stays the rule while other instances write between this one's batches.
 *
 * <p>When another writer may be waiting on the head (the locked way, and the known way within a few seconds of a
 * batch that found the head moved), a batch without webhook deliveries commits unflushed, so the head's lock is
 * released at its commit record rather than after the disk's flush, and the same round trip then waits for the flush
 * outside the lock (ADR 0102): the batch is durable before this returns, as before, and the other instance waits on
 * the head one flush less. A writer alone keeps the one statement whose commit waits for the flush.
 *
 * <p>While another writer was seen lately, a batch without webhook deliveries is chained by the database instead: one
 * statement locks the head, hashes the batch over Java's encodings after the sequence and inserts it, so the head is
 * never held over a round trip to this JVM (ADR 0115). Batches with deliveries keep the ways above: their messages
 * carry the sequence, built here.
 *
 * <p>Hand-written JDBC on purpose (ADR 0030): the row lock, the set-based insert of the whole batch
 * with the head's move, and the outbox all share one connection and one statement, which a
 * Micronaut Data repository (a connection per call, an entity per row) cannot express. Used by one
 * thread at a time (the group commit's writer).
 */
final class ChainedAuditWriter implements GroupCommit.BatchWriter {

    // The whole batch as one array per column, the head move and the deliveries in one statement: one round trip
    // whatever the batch size, and one SQL text, so the server keeps it prepared. The head moves only from where
    // the caller says it stands; the rows and their deliveries go in only if it did. It answers the rows it took and
    // whether the head moved: nothing of the batch is on the chain only when both are none.
    private static final String HEAD_AND_EVENTS = """
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
                RETURNING 1)""";

    private static final String COUNTS_AND_COMMIT_MODE = """

            SELECT count(*), (SELECT count(*) FROM head) FROM inserted,
                (SELECT CASE WHEN ? THEN""" + UnflushedCommit.SETTING + " END) AS commit_mode";

    private static final String INSERT_AFTER_HEAD = HEAD_AND_EVENTS + ",\n" + WebhookOutbox.DELIVERIES
            + COUNTS_AND_COMMIT_MODE;

    // A batch none of whose events is of a webhook type: the same statement without the outbox's part. Naming
    // webhook_delivery at all (even with empty arrays) takes its ROW EXCLUSIVE lock, which waits on an index build's
    // SHARE lock (a migration such as V69's), so every append would wait for, then fail at, its lock_timeout
    // (ADR 0025, amended in session 55). Its own constant SQL text, so the server keeps it prepared too.
    private static final String INSERT_AFTER_HEAD_WITHOUT_DELIVERIES = HEAD_AND_EVENTS + COUNTS_AND_COMMIT_MODE;

    // Waits for the WAL's flush up to a record written after the batch's commit, so the batch too is on disk (the log
    // is flushed in order), outside the head's lock; only for a batch that committed unflushed and wrote, and unless
    // the server's own commits do not wait for the flush either (its synchronous_commit off): then, as before, the
    // batch is as durable as the server's setting makes any commit (ADR 0102). A commit is unflushed only when no
    // synchronous standby is named (UnflushedCommit): with one, it kept the session's setting and already waited.
    private static final String UNFLUSHED_COMMIT_NOT_DURABLE = "current_setting('synchronous_commit') <> 'off'"
            + " AND current_setting('synchronous_standby_names') = ''";
    private static final String FLUSH = "SELECT " + ChainHeadRowRepository.WAL_FLUSHED_TO_HERE
            + " WHERE ? AND " + UNFLUSHED_COMMIT_NOT_DURABLE
            + " AND EXISTS (SELECT FROM audit_event WHERE sequence = ? AND hash = decode(?, 'hex'))";

    // The statement, its transaction's end and the flush's wait in one round trip (ADR 0094, 0102): the head's lock
    // is released at the commit, before the flush. Should the statement fail, the server skips the rest and the
    // transaction rolls back.
    private static final String INSERT_AFTER_HEAD_COMMIT_AND_FLUSH = INSERT_AFTER_HEAD + ";\nCOMMIT;\n" + FLUSH;

    private static final String INSERT_AFTER_HEAD_WITHOUT_DELIVERIES_COMMIT_AND_FLUSH =
            INSERT_AFTER_HEAD_WITHOUT_DELIVERIES + ";\nCOMMIT;\n" + FLUSH;

    // A batch that causes no webhook delivery, while another writer may be waiting on the head: the head locked, the
    // batch chained after it with sha256() over Java's encodings (AuditChain.encodingAfterSequence; SQL adds only the
    // header line and the sequence's, ASCII), the rows inserted and the head moved, all in one statement (ADR 0115).
    // The head's lock is then held for the statement's execution and its commit only, never over a round trip to this
    // JVM; a wait for another instance's hold is inside the statement, and READ COMMITTED's FOR UPDATE returns the
    // head as that instance committed it. The encodings and rows are in the batch's order (WITH ORDINALITY).
    private static final String INSERT_HASHED_AFTER_LOCKED_HEAD = ("""
            WITH RECURSIVE locked AS MATERIALIZED (
                SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE),
            batch AS MATERIALIZED (
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                    ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[]) WITH ORDINALITY
                    AS b(occurred_at, team, request_id, operation, server_id, resource_type, resource_id, outcome_kind,
                    outcome_reason, outcome_cause, provider_status, detail, encoding, n)),
            chain (n, sequence, previous_hash, hash) AS (
                SELECT 0::bigint, last_sequence, NULL::bytea, last_hash FROM locked
                UNION ALL
                SELECT b.n, c.sequence + 1, c.hash,
                    sha256(c.hash || convert_to('{format}' || chr(10) || length((c.sequence + 1)::text) || ':'
                        || (c.sequence + 1)::text || chr(10), 'UTF8') || b.encoding)
                FROM chain c JOIN batch b ON b.n = c.n + 1),
            inserted AS (
                INSERT INTO audit_event (sequence, occurred_at, team, request_id, operation, server_id,
                    resource_type, resource_id, outcome_kind, outcome_reason, outcome_cause, provider_status,
                    detail, previous_hash, hash)
                SELECT c.sequence, b.occurred_at::timestamptz, b.team, b.request_id, b.operation, b.server_id::bigint,
                    b.resource_type, b.resource_id::bigint, b.outcome_kind, b.outcome_reason, b.outcome_cause,
                    b.provider_status::smallint, b.detail::jsonb, c.previous_hash, c.hash
                FROM chain c JOIN batch b ON b.n = c.n
                RETURNING 1),
            chain_end AS (
                SELECT sequence, hash FROM chain ORDER BY n DESC LIMIT 1),
            moved AS (
                UPDATE audit_chain_head h SET last_sequence = e.sequence, last_hash = e.hash
                FROM chain_end e WHERE h.id = 1
                RETURNING 1)
            SELECT l.last_sequence, l.last_hash, (SELECT count(*) FROM inserted), (SELECT count(*) FROM moved),
                e.sequence, e.hash
            FROM locked l, chain_end e, (SELECT""" + UnflushedCommit.SETTING + ") AS commit_mode")
            .replace("{format}", AuditChain.FORMAT);

    // The hashed statement, its transaction's end and the flush's wait in one round trip (ADR 0102's, 0115): the head
    // is released at the commit, before the flush. The statement always writes or fails; failed, the server skips
    // the rest and the transaction rolls back.
    private static final String INSERT_HASHED_COMMIT_AND_FLUSH = INSERT_HASHED_AFTER_LOCKED_HEAD + ";\nCOMMIT;\nSELECT "
            + ChainHeadRowRepository.WAL_FLUSHED_TO_HERE + " WHERE " + UNFLUSHED_COMMIT_NOT_DURABLE;

    /** Columns of INSERT_HASHED_AFTER_LOCKED_HEAD's batch given as text: the event's, without sequence and hashes. */
    private static final int EVENT_COLUMN_COUNT = 12;

    private static final int COLUMN_COUNT = 15;

    // How long after a batch last found the head moved by another writer the known way still releases the head before
    // its flush (ADR 0102): two busy instances meet every few batches; a writer alone keeps ADR 0088's one statement.
    private static final Duration OTHERS_WRITING_LATELY = Duration.ofSeconds(5);

    /** Where the chain ends: its last sequence and hash. */
    private record Head(long sequence, ChainHash hash) {
    }

    /** A batch inserted after a head, before its commit: the events as stored and the head they end at. */
    private record Chained(List<RecordedAuditEvent> written, Head head) {
    }

    /**
     * How long above the session's {@code lock_timeout} the writer waits for the database's answer (ADR 0023, amended
     * in session 42): the longest any of its statements waits by design is a lock; the rest (a batch of at most
     * {@link JdbcAuditHistory#MAX_BATCH}, a flush) takes milliseconds. Slack for a slow disk's flush, not a bound on it.
     */
    static final Duration NETWORK_TIMEOUT_ABOVE_LOCK_TIMEOUT = Duration.ofSeconds(10);

    /** {@code vpsr.database.lock-timeout}'s default ({@link PooledSessionBounds}). */
    static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    private final DataSource dataSource;
    private final WebhookOutbox outbox;
    /**
     * The driver's timeout on the writer's connection (lock timeout + margin): a database that goes silent mid-statement
     * answers every caller of the batch (maybe written when the COMMIT was sent) instead of freezing every append for
     * as long as the kernel keeps the socket. Hikari puts the pool's own back when the connection returns.
     */
    private final int networkTimeoutMillis;
    /** The head as this writer's last commit left it; null before the first. */
    private Head lastCommitted;
    /** Whether the last batch found the head where this writer had left it: nobody else is writing. */
    private boolean alone;
    /** When a batch last found the head moved by another writer (System.nanoTime), if one ever did. */
    private long othersSeenAt;
    private boolean othersSeen;

    /** {@code lockTimeout}: the pool's sessions' {@code lock_timeout} ({@link SessionBounds}). */
    ChainedAuditWriter(DataSource dataSource, WebhookOutbox outbox, Duration lockTimeout) {
        this(dataSource, outbox, lockTimeout, NETWORK_TIMEOUT_ABOVE_LOCK_TIMEOUT);
    }

    /** As the service's, the margin above {@code lockTimeout} given (a test's short one). */
    ChainedAuditWriter(DataSource dataSource, WebhookOutbox outbox, Duration lockTimeout, Duration margin) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.networkTimeoutMillis = Math.toIntExact(lockTimeout.plus(margin).toMillis());
    }

    /** The service's default lock timeout (10 s, {@link PooledSessionBounds}): for tests. */
    ChainedAuditWriter(DataSource dataSource, WebhookOutbox outbox) {
        this(dataSource, outbox, DEFAULT_LOCK_TIMEOUT);
    }

    /** A connection of the pool whose every answer is waited for at most {@link #networkTimeoutMillis}. */
    private Connection connection() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    @Override
    public List<RecordedAuditEvent> write(List<AuditEvent> batch) throws SQLException {
        return write(batch, List::of);
    }

    @Override
    public List<RecordedAuditEvent> write(List<AuditEvent> batch, Supplier<List<AuditEvent>> latecomers)
            throws SQLException {
        Head guess = alone ? lastCommitted : null;
        // Until this batch commits, the next one reads the head.
        alone = false;
        if (othersWritingLately() && batch.stream().noneMatch(event -> WebhookEventType.of(event).isPresent())) {
            // Another writer may be waiting on the head: the database locks it and chains the batch in one statement,
            // so the head is not held over a round trip (ADR 0115). Its wait for the head is inside the statement:
            // whoever queues meanwhile forms the next batch.
            return writeHashedByTheDatabase(batch);
        }
        // Set once the batch is committed: whatever fails after (the driver's commit, the connection's close) cannot
        // undo it, so it is "maybe written", never "not written" (ADR 0102, amended in session 43).
        Chained chained = null;
        try (Connection connection = connection()) {
            // The known way: one round trip that writes the batch and commits, or writes nothing when the head moved.
            if (guess != null && othersWritingLately()) {
                // Another writer waits on the head: the commit releases it before the flush, which the same round trip
                // then waits for (ADR 0102). A transaction the statement's round trip ends: the driver's BEGIN goes
                // with it.
                connection.setAutoCommit(false);
                try {
                    chained = insertAfter(connection, batch, guess, true);
                    endCommitted(connection, chained != null);
                } catch (SQLException | RuntimeException e) {
                    abandonTransaction(connection, e);
                    throw e;
                }
            } else if (guess != null) {
                // Alone: the one statement committed on its own, its commit waiting for the flush (ADR 0088); nobody
                // waits on the head meanwhile, so a flush outside the lock would only add a statement.
                chained = insertAfter(connection, batch, guess, false);
            }
            boolean nobodyElse = chained != null;
            if (chained == null) {
                connection.setAutoCommit(false);
                try {
                    Head head = lockHead(connection);
                    nobodyElse = head.equals(lastCommitted);
                    // Whoever queued while this writer waited for the lock (another instance's batch held it) joins
                    // this batch rather than waiting for the lock again (ADR 0094).
                    List<AuditEvent> joined = new ArrayList<>(batch);
                    joined.addAll(latecomers.get());
                    chained = insertAfter(connection, joined, head, true);
                    if (chained == null) {
                        throw new SQLException("the audit chain head moved while locked; the batch was not written");
                    }
                    endCommitted(connection, true);
                } catch (SQLException | RuntimeException e) {
                    abandonTransaction(connection, e);
                    throw e;
                }
            }
            // Committed: the callers are told so even if the connection fails now (the pool discards it).
            restoreAutoCommitQuietly(connection, null);
            committed(chained.head(), nobodyElse);
        } catch (SQLException | RuntimeException e) {
            if (chained != null) {
                throw maybeWritten(e);
            }
            throw e;
        }
        return chained.written();
    }

    /** A failure once the batch committed: the batch may be on the chain, whatever failed. */
    private static BatchMaybeWritten maybeWritten(Exception failure) {
        return failure instanceof BatchMaybeWritten maybe ? maybe : new BatchMaybeWritten(failure);
    }

    /**
     * The driver's end of a transaction whose round trip ran its {@code COMMIT} already: it sends nothing unless the
     * driver still sees a transaction. Should it fail once the batch is {@code committed}, the batch stays committed.
     */
    private static void endCommitted(Connection connection, boolean committed) throws SQLException {
        try {
            connection.commit();
        } catch (SQLException e) {
            throw committed ? new BatchMaybeWritten(e) : e;
        }
    }

    /** Writes the batch by {@link #INSERT_HASHED_COMMIT_AND_FLUSH}: one round trip, durable when this returns. */
    private List<RecordedAuditEvent> writeHashedByTheDatabase(List<AuditEvent> batch) throws SQLException {
        // Set once the round trip ran its COMMIT: whatever fails after cannot undo the batch (as the known way's).
        boolean committed = false;
        Head before;
        Head after;
        try (Connection connection = connection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(INSERT_HASHED_COMMIT_AND_FLUSH)) {
                String[][] columns = new String[EVENT_COLUMN_COUNT][batch.size()];
                byte[][] encodings = new byte[batch.size()][];
                for (int row = 0; row < batch.size(); row++) {
                    AuditEvent event = batch.get(row);
                    String[] values = columnValues(1, event, ChainHash.GENESIS, ChainHash.GENESIS);
                    for (int column = 0; column < EVENT_COLUMN_COUNT; column++) {
                        // columnValues' order: sequence, the event's twelve, previous hash, hash.
                        columns[column][row] = values[column + 1];
                    }
                    encodings[row] = AuditChain.encodingAfterSequence(event);
                }
                int parameter = 1;
                for (int column = 0; column < EVENT_COLUMN_COUNT; column++) {
                    insert.setArray(parameter++, connection.createArrayOf("text", columns[column]));
                }
                insert.setArray(parameter, connection.createArrayOf("bytea", encodings));
                // execute, not executeQuery: the COMMIT and the flush after the statement are further results.
                executeThroughCommit(connection, insert, true);
                committed = true;
                try (ResultSet rs = insert.getResultSet()) {
                    if (!rs.next()) {
                        // No head row, so nothing locked: the statement could neither insert nor move anything.
                        committed = false;
                        throw new SQLException("the audit chain head row is missing; was migration V1 applied?");
                    }
                    before = new Head(rs.getLong(1), ChainHash.of(rs.getBytes(2)));
                    long inserted = rs.getLong(3);
                    if (inserted != batch.size() || rs.getLong(4) != 1) {
                        throw new SQLException("the audit chain took " + inserted + " of " + batch.size()
                                + " events and moved its head " + rs.getLong(4) + " time(s)");
                    }
                    after = new Head(rs.getLong(5), ChainHash.of(rs.getBytes(6)));
                }
                endCommitted(connection, true);
            } catch (SQLException | RuntimeException e) {
                abandonTransaction(connection, e);
                throw e;
            }
            restoreAutoCommitQuietly(connection, null);
            if (after.sequence() != before.sequence() + batch.size()) {
                throw new SQLException("the audit chain moved from " + before.sequence() + " to " + after.sequence()
                        + " for " + batch.size() + " events");
            }
            committed(after, before.equals(lastCommitted));
        } catch (SQLException | RuntimeException e) {
            if (committed) {
                throw maybeWritten(e);
            }
            throw e;
        }
        List<RecordedAuditEvent> written = new ArrayList<>(batch.size());
        for (int row = 0; row < batch.size(); row++) {
            written.add(new RecordedAuditEvent(before.sequence() + 1 + row, batch.get(row)));
        }
        return written;
    }

    /** Notes a committed batch's head, and whether the head it followed was this writer's own last one. */
    private void committed(Head head, boolean nobodyElse) {
        if (!nobodyElse && lastCommitted != null) {
            othersSeenAt = System.nanoTime();
            othersSeen = true;
        }
        lastCommitted = head;
        alone = nobodyElse;
    }

    /** A failed transaction: rolled back and the connection left in auto-commit, the failure's cause kept. */
    private static void abandonTransaction(Connection connection, Exception cause) {
        rollbackQuietly(connection, cause);
        restoreAutoCommitQuietly(connection, cause);
    }

    /** Whether another writer moved the head within the last {@link #OTHERS_WRITING_LATELY}: it may be waiting on it now. */
    private boolean othersWritingLately() {
        return othersSeen && System.nanoTime() - othersSeenAt < OTHERS_WRITING_LATELY.toNanos();
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

    /**
     * Inserts the batch after {@code after} and moves the head past it; null, writing nothing, if the head is
     * elsewhere. Alone ({@code inTransaction} false) the statement commits on its own, its commit waiting for the
     * flush. In a transaction it is followed by {@code COMMIT} in the same round trip: a batch that may cause webhook
     * deliveries commits durably (a delivery must not be sent and then lost with the database); any other commits
     * unflushed, releasing the head's lock at once, and the flush is waited for after it. Either way the batch is
     * durable when this returns (ADR 0102).
     */
    private Chained insertAfter(Connection connection, List<AuditEvent> batch, Head after, boolean inTransaction)
            throws SQLException {
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
        boolean deliveries = written.stream().anyMatch(recorded -> WebhookEventType.of(recorded.event()).isPresent());
        boolean unflushed = inTransaction && !deliveries;
        String sql = deliveries
                ? (inTransaction ? INSERT_AFTER_HEAD_COMMIT_AND_FLUSH : INSERT_AFTER_HEAD)
                : (inTransaction ? INSERT_AFTER_HEAD_WITHOUT_DELIVERIES_COMMIT_AND_FLUSH
                        : INSERT_AFTER_HEAD_WITHOUT_DELIVERIES);
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            int parameter = 1;
            insert.setLong(parameter++, sequence);
            insert.setString(parameter++, previous.hex());
            insert.setLong(parameter++, after.sequence());
            insert.setString(parameter++, after.hash().hex());
            for (int column = 0; column < COLUMN_COUNT; column++) {
                insert.setArray(parameter++, connection.createArrayOf("text", columns[column]));
            }
            if (deliveries) {
                // The deliveries these events cause, in the same statement (ADR 0025).
                outbox.bind(connection, insert, parameter, written);
                parameter += WebhookOutbox.PARAMETERS;
            }
            insert.setBoolean(parameter++, unflushed);
            if (inTransaction) {
                insert.setBoolean(parameter++, unflushed);
                insert.setLong(parameter++, sequence);
                insert.setString(parameter, previous.hex());
            }
            long inserted;
            long moved;
            // execute, not executeQuery: the COMMIT and the flush after the statement are further results.
            executeThroughCommit(connection, insert, inTransaction);
            // Committed from here (on its own, or by the round trip's COMMIT): a check that fails cannot undo what the
            // statement wrote, so it is "maybe written", never "not written" (ADR 0102, amended in session 43).
            try (ResultSet rs = insert.getResultSet()) {
                rs.next();
                inserted = rs.getLong(1);
                moved = rs.getLong(2);
            } catch (SQLException | RuntimeException e) {
                throw new BatchMaybeWritten(e);
            }
            if (inserted == 0 && moved == 0) {
                return null;
            }
            if (inserted != batch.size() || moved != 1) {
                throw new BatchMaybeWritten(new SQLException("the audit chain took " + inserted + " of " + batch.size()
                        + " events and moved its head " + moved + " time(s)"));
            }
        }
        return new Chained(written, new Head(sequence, previous));
    }

    /**
     * Runs a round trip that commits the batch: its statement committed on its own, or the statement, its
     * {@code COMMIT} and the flush's wait ({@code inTransaction}). A failure in it is "not written" only when the server
     * answered that the statement failed: on its own, an error answered on a connection still open; in a transaction,
     * the round trip ended inside the aborted transaction (the COMMIT skipped), which pgjdbc reads as failed. Otherwise
     * the COMMIT may have run (the flush's statement failed after it, or the answer never came, the network timeout
     * passed): {@link BatchMaybeWritten}.
     */
    private static void executeThroughCommit(Connection connection, PreparedStatement statement, boolean inTransaction)
            throws SQLException {
        try {
            statement.execute();
        } catch (SQLException e) {
            if (answeredNotCommitted(connection, e, inTransaction)) {
                throw e;
            }
            throw new BatchMaybeWritten(e);
        }
    }

    /** Whether the server answered the round trip with its statement's failure, so nothing of it committed. */
    private static boolean answeredNotCommitted(Connection connection, SQLException failure, boolean inTransaction) {
        try {
            if (connection.isClosed() || failure.getSQLState() == null || failure.getSQLState().startsWith("08")) {
                // No answer, or the connection lost: the COMMIT may have been received.
                return false;
            }
            return !inTransaction
                    || connection.unwrap(BaseConnection.class).getTransactionState() == TransactionState.FAILED;
        } catch (SQLException | RuntimeException cannotTell) {
            return false;
        }
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
