package org.vpsrecovery.adapters.persistence.transaction;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * One read-write transaction on a pooled connection, its failure told apart by where it happened (ADR 0023, amended
 * in session 38): before the commit nothing was stored, the domain's {@link PlatformUnavailable}; at the commit
 * whether it was is unknown, {@link StoreOutcomeUnknown}; after the commit returned (auto-commit given back, the
 * connection closed) the known result stands. Hand-written JDBC's transactions share it: the team-limited inserts and
 * the webhook purge.
 *
 * <p>Its own package, on nothing of the adapter's: every repository's package can use it without a cycle.
 */
public final class WriteTransaction {

    /** What the transaction does on its connection; it neither commits nor rolls back. */
    @FunctionalInterface
    public interface Work<T> {
        T on(Connection connection) throws SQLException;
    }

    private WriteTransaction() {
    }

    /**
     * {@code work} in one transaction, committed, or rolled back on a failure before the commit. {@code unavailable}
     * is the message of either failure (naming the step, never a value: a secret may be among them); a database that
     * does not answer before the commit is answered with {@code retryAfter}.
     */
    public static <T> T run(DataSource pool, String unavailable, Duration retryAfter, Work<T> work) {
        Objects.requireNonNull(work, "work");
        boolean committed = false;
        T result = null;
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                result = work.on(connection);
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                    connection.setAutoCommit(true);
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
            try {
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                throw new StoreOutcomeUnknown(unavailable + " (at the commit: what it wrote may be stored)", e);
            }
            committed = true;
            connection.setAutoCommit(true);
            return result;
        } catch (SQLException e) {
            if (committed) {
                // The commit returned: the connection failing afterwards (auto-commit, close) changes nothing stored.
                return result;
            }
            throw new PlatformUnavailable(unavailable, retryAfter, e);
        }
    }
}
