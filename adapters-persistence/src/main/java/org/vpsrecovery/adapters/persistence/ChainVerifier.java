package org.vpsrecovery.adapters.persistence;

import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.ChainWalk;

/**
 * Walks the stored chain and its head in one read-only REPEATABLE READ snapshot (ADR 0005), from the
 * first event or from after a checkpoint (ADR 0046).
 *
 * <p>Hand-written JDBC on purpose (ADR 0030): the walk is a server-side cursor (inside a transaction)
 * over the table and the head in one snapshot, so it never sits in memory; a repository would load a
 * list. Rows are still read by Micronaut Data's mapping ({@link JdbcOperations#readEntity}) and turned
 * into events by {@link AuditEventRows}, the one mapping.
 *
 * <p>One pass, two kinds of work: this thread reads the rows and checks each one's position and link
 * (cheap comparisons, in order); the costly part, mapping a row to its event and recomputing its hash,
 * needs the row alone, so chunks of rows are checked on other threads meanwhile. The earliest break of
 * either kind is the answer, exactly as a one-thread walk would find it.
 */
final class ChainVerifier {

    /** Rows per round trip: large, as the whole table streams through. */
    private static final int FETCH_SIZE = 10_000;
    /** Rows per content check handed to a worker. */
    static final int CHUNK = 4096;

    private final DataSource dataSource;
    private final JdbcOperations rows;
    private final int chunkSize;
    private final int workers;

    ChainVerifier(DataSource dataSource, JdbcOperations rows) {
        this(dataSource, rows, CHUNK);
    }

    ChainVerifier(DataSource dataSource, JdbcOperations rows, int chunkSize) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.chunkSize = chunkSize;
        this.workers = Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    ChainVerification verify() {
        return verify(new ChainWalk(), 0);
    }

    /** The events after {@code sequence}, taking {@code hash} as the one stored there. */
    ChainVerification verifyAfter(long sequence, ChainHash hash) {
        return verify(ChainWalk.after(sequence, hash), sequence);
    }

    private ChainVerification verify(ChainWalk walk, long after) {
        ExecutorService pool = Executors.newFixedThreadPool(workers, Thread.ofPlatform().daemon()
                .name("audit-chain-verify-", 0).factory());
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            // One snapshot for the rows and the head, and a cursor so the table need not fit in memory.
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                ChainVerification result = walk(connection, walk, after, pool);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                ChainedAuditWriter.rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(true);
                connection.setReadOnly(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        } catch (SQLException e) {
            throw new DatabaseFailure("could not verify the audit chain: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
    }

    private ChainVerification walk(Connection connection, ChainWalk walk, long after, ExecutorService pool)
            throws SQLException {
        Deque<Future<Optional<ChainVerification.Broken>>> checks = new ArrayDeque<>();
        List<AuditEventRow> chunk = new ArrayList<>(chunkSize);
        Optional<ChainVerification.Broken> positional = Optional.empty();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT * FROM audit_event WHERE sequence > ? ORDER BY sequence")) {
            select.setLong(1, after);
            select.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = select.executeQuery()) {
                while (positional.isEmpty() && rs.next()) {
                    long sequence = rs.getLong("sequence");
                    AuditEventRow row;
                    try {
                        row = rows.readEntity(rs, AuditEventRow.class);
                        positional = walk.link(sequence, ChainHash.of(row.previousHash()), ChainHash.of(row.hash()));
                    } catch (IllegalArgumentException | DataAccessException e) {
                        positional = Optional.of(walk.unreadable(sequence, e.getMessage()));
                        break;
                    }
                    if (positional.isPresent()) {
                        // As a one-thread walk: a row that does not read as an event is reported as such first.
                        try {
                            AuditEventRows.toRecorded(row);
                        } catch (IllegalArgumentException e) {
                            positional = Optional.of(walk.unreadable(sequence, e.getMessage()));
                        }
                        break;
                    }
                    chunk.add(row);
                    if (chunk.size() == chunkSize) {
                        checks.add(pool.submit(contentCheck(chunk)));
                        chunk = new ArrayList<>(chunkSize);
                        // Bounded memory: at most two chunks a worker in flight.
                        while (checks.size() > 2 * workers) {
                            Optional<ChainVerification.Broken> altered = result(checks.removeFirst());
                            if (altered.isPresent()) {
                                return altered.get();
                            }
                        }
                    }
                }
            }
        }
        if (!chunk.isEmpty()) {
            checks.add(pool.submit(contentCheck(chunk)));
        }
        // Every row before a positional break was checked for content: an altered one comes first.
        while (!checks.isEmpty()) {
            Optional<ChainVerification.Broken> altered = result(checks.removeFirst());
            if (altered.isPresent()) {
                return altered.get();
            }
        }
        if (positional.isPresent()) {
            return positional.get();
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

    /** The first row of the chunk whose content no longer hashes to its stored hash, if any. */
    private static Callable<Optional<ChainVerification.Broken>> contentCheck(List<AuditEventRow> chunk) {
        return () -> {
            for (AuditEventRow row : chunk) {
                Optional<ChainVerification.Broken> broken;
                try {
                    broken = ChainWalk.content(row.sequence(), AuditEventRows.toRecorded(row).event(),
                            ChainHash.of(row.previousHash()), ChainHash.of(row.hash()));
                } catch (IllegalArgumentException e) {
                    broken = Optional.of(ChainWalk.unreadableContent(row.sequence(), e.getMessage()));
                }
                if (broken.isPresent()) {
                    return broken;
                }
            }
            return Optional.empty();
        };
    }

    private static Optional<ChainVerification.Broken> result(Future<Optional<ChainVerification.Broken>> check) {
        try {
            return check.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseFailure("interrupted while verifying the audit chain", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new DatabaseFailure("could not verify the audit chain", e.getCause());
        }
    }
}
