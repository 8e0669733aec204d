package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's own lock between instances, taken on the start's check connection around what the start reads or mends in
 * the schema history before Flyway migrates (ADR 0142, amended in session 56): an install or upgrade another instance
 * has under way is waited for, not read half-done. Flyway 10.22 (flyway-database-postgresql's
 * {@code PostgreSQLConnection.lock}) takes {@code pg_try_advisory_lock} on {@link #LOCK_MAGIC_NUM} plus the hash of the
 * history table's quoted name, retrying each second up to {@link #RETRIES} times (its default {@code lockRetryCount}).
 * The same key and the same bound here; released before Flyway takes it again.
 */
final class FlywaysLockAtStart {

    /** Flyway's {@code PostgreSQLAdvisoryLockTemplate.LOCK_MAGIC_NUM} ("Flyway" in ASCII). */
    static final long LOCK_MAGIC_NUM = 77431708279161L;

    /** Flyway's default {@code lockRetryCount}, one second apart. */
    static final int RETRIES = 50;

    private static final Logger LOG = LoggerFactory.getLogger(FlywaysLockAtStart.class);

    private FlywaysLockAtStart() {
    }

    /** Work done on a connection while Flyway's lock is held. */
    @FunctionalInterface
    interface UnderTheLock<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * {@code work}'s result, run while {@code connection}'s session holds Flyway's lock on the history table of its
     * current schema; empty when the lock was not had within Flyway's bound (its holder is still migrating).
     */
    static <T> Optional<T> whileHeld(Connection connection, UnderTheLock<T> work) throws SQLException {
        long key = key(connection);
        for (int attempt = 0; ; attempt++) {
            if (tryLock(connection, key)) {
                break;
            }
            if (attempt >= RETRIES) {
                return Optional.empty();
            }
            if (attempt == 0) {
                LOG.info("Another instance holds Flyway's lock (migrating the schema); waiting for it before the start's "
                        + "schema checks");
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for Flyway's lock", e);
            }
        }
        try {
            return Optional.ofNullable(work.run(connection));
        } finally {
            unlock(connection, key);
        }
    }

    /** Flyway's key: {@code LOCK_MAGIC_NUM + "\"schema\".\"flyway_schema_history\"".hashCode()}. */
    static long key(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT current_schema()");
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return keyOf(rows.getString(1));
        }
    }

    static long keyOf(String schema) {
        return LOCK_MAGIC_NUM + (quoted(schema) + "." + quoted("flyway_schema_history")).hashCode();
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static boolean tryLock(Connection connection, long key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection connection, long key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            statement.setLong(1, key);
            statement.execute();
        }
    }
}
