package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;

/**
 * One read-only REPEATABLE READ transaction on a connection of its own: reads that must all see one
 * snapshot (the chain's walk and its head, a summary's parts), and the connection handed back to the
 * pool as it was lent.
 */
final class ReadOnlySnapshot {

    /** What is read inside the snapshot. */
    @FunctionalInterface
    interface Reads<T> {
        T read(Connection connection) throws SQLException;
    }

    /**
     * An hour: such reads hold no lock and no gate, and a summary's aggregate over a long range may take minutes before
     * its first row. Never none: pgjdbc's bound is on each wait for the socket, and with none a primary that vanished
     * without a FIN would hold the read (a checkpoint job's round, a verification) for ever (review of session 45).
     */
    static final int LONG_READ_NETWORK_TIMEOUT_MILLIS = 3_600_000;

    private ReadOnlySnapshot() {
    }

    /**
     * {@code reads} in one snapshot; a database failure is a {@link DatabaseFailure} saying what {@code failing} could
     * not do, or {@code PlatformUnavailable} when the database is out of reach.
     */
    static <T> T read(DataSource dataSource, String failing, Reads<T> reads) {
        try (Connection connection = dataSource.getConnection()) {
            // A chain's walk or a summary may legitimately read for longer than the pool's bound on a statement's
            // answer (PooledSessionBounds, session 45): lifted for this connection only, Hikari puts it back on return.
            connection.setNetworkTimeout(Runnable::run, LONG_READ_NETWORK_TIMEOUT_MILLIS);
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                T result = reads.read(connection);
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
            // A database out of reach is the domain's PlatformUnavailable (503), as for every other read.
            throw DatabaseOutOfReach.outOfReach(e) ? DatabaseOutOfReach.unavailable(failing.replaceFirst("^could not ", ""), e)
                    : new DatabaseFailure(failing + ": " + e.getMessage(), e);
        }
    }
}
