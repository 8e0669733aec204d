package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;

/**
 * Read-only REPEATABLE READ transactions on a connection of their own, the connection handed back to the pool as it
 * was lent: one for reads that must all see one snapshot (a summary's parts, {@link #read}), or several in turn, each
 * ended before the next begins, for a read long enough that one snapshot held throughout would keep PostgreSQL from
 * cleaning up the rows the appends rewrite meanwhile (the chain's walk, {@link #readInTurns}; ADR 0023, amended in
 * session 46).
 */
final class ReadOnlySnapshot {

    /** What is read inside the snapshot. */
    @FunctionalInterface
    interface Reads<T> {
        T read(Connection connection) throws SQLException;
    }

    /** Reads in snapshots taken one after the other on one connection. */
    @FunctionalInterface
    interface InTurns<T> {
        T read(Snapshots snapshots) throws SQLException;
    }

    /** The snapshots of {@link #readInTurns}: each {@link #next} is one transaction, committed when it returns. */
    interface Snapshots {
        /** {@code reads} in a snapshot of their own, taken now; the transaction ends before this returns. */
        <T> T next(Reads<T> reads) throws SQLException;

        /** The connection the snapshots are taken on, outside any of them between two (for a test's look at it). */
        Connection connection();
    }

    /**
     * An hour: such reads hold no lock and no gate, and a summary's aggregate over a long range may take minutes before
     * its first row. Never none: pgjdbc's bound is on each wait for the socket, and with none a primary that vanished
     * without a FIN would hold the read (a summary) for ever (review of session 45).
     */
    static final int LONG_READ_NETWORK_TIMEOUT_MILLIS = 3_600_000;

    private ReadOnlySnapshot() {
    }

    /**
     * {@code reads} in one snapshot; a database failure is a {@link DatabaseFailure} saying what {@code failing} could
     * not do, or {@code PlatformUnavailable} when the database is out of reach.
     */
    static <T> T read(DataSource dataSource, String failing, Reads<T> reads) {
        // A summary may legitimately wait longer than the pool's bound on a statement's answer (PooledSessionBounds,
        // session 45) for its first row: lifted for this connection only, Hikari puts it back on return.
        return onOwnConnection(dataSource, failing, true, snapshots -> snapshots.next(reads));
    }

    /**
     * {@code reads} in as many snapshots as they take, one after the other on one connection, failures as
     * {@link #read}'s. One connection, not one per snapshot, so that whatever ends the session between two (a
     * restart, a failover, which may take back commits the earlier snapshots saw before their flush, ADR 0102) fails
     * the read rather than joining snapshots of two histories. Each snapshot's statements answer within the pool's own
     * bound, so it is not lifted.
     */
    static <T> T readInTurns(DataSource dataSource, String failing, InTurns<T> reads) {
        return onOwnConnection(dataSource, failing, false, reads);
    }

    private static <T> T onOwnConnection(DataSource dataSource, String failing, boolean longRead, InTurns<T> reads) {
        try (Connection connection = dataSource.getConnection()) {
            if (longRead) {
                connection.setNetworkTimeout(Runnable::run, LONG_READ_NETWORK_TIMEOUT_MILLIS);
            }
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                return reads.read(new Snapshots() {
                    @Override
                    public <R> R next(Reads<R> snapshotReads) throws SQLException {
                        // pgjdbc begins the transaction with its first statement and ends it here: between two,
                        // the session is idle and holds no snapshot.
                        try {
                            R result = snapshotReads.read(connection);
                            connection.commit();
                            return result;
                        } catch (SQLException | RuntimeException e) {
                            ChainedAuditWriter.rollbackQuietly(connection, e);
                            throw e;
                        }
                    }

                    @Override
                    public Connection connection() {
                        return connection;
                    }
                });
            } finally {
                connection.setAutoCommit(true);
                connection.setReadOnly(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        } catch (SQLException e) {
            // A database out of reach is the domain's PlatformUnavailable (503), as for every other read.
            throw DatabaseOutOfReach.outOfReach(e) ? DatabaseOutOfReach.unavailable(failing.replaceFirst("^could not ", ""), e)
                    : new DatabaseFailure(failing + ": " + e.getMessage(), e);
        }
    }
}
