package org.vpsrecovery.adapters.persistence;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.domain.port.ServerBusy;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Per-server mutual exclusion across service instances with PostgreSQL session advisory locks.
 *
 * <p>Each call takes a connection of its own, waits for {@code pg_advisory_lock(namespace, key)}
 * at most {@code maxWait} (through {@code lock_timeout}, so waiters queue fairly in the server
 * instead of polling), runs the work (which may call the provider for seconds) with the
 * connection idle but not in a transaction, then unlocks in {@code finally}. If the unlock cannot
 * be confirmed the connection is aborted rather than returned to a pool still holding the lock; a
 * crashed instance's locks vanish with its sessions. One pooled connection is held per call in
 * progress, so size the pool for the concurrent locked calls plus the work's own queries.
 *
 * <p>Keys: the two-int form with {@link #NAMESPACE} first, so other advisory-lock users in the
 * same database (which use their own first key or the one-bigint form) never collide with us. A
 * server id beyond the int range is folded into 32 bits; a fold collision only makes two servers
 * share a lock (more exclusion, never less). Not reentrant: a nested call for the same server from
 * inside the work waits for itself and ends in {@link ServerBusy}.
 */
public final class PgServerLock implements ServerLock {

    /** "VPSR" in ASCII: this application's advisory-lock namespace. */
    public static final int NAMESPACE = 0x56505352;

    private static final String SQLSTATE_LOCK_NOT_AVAILABLE = "55P03";
    private static final String SQLSTATE_QUERY_CANCELED = "57014";

    private static final Logger LOG = LoggerFactory.getLogger(PgServerLock.class);

    private final DataSource dataSource;
    private final Duration maxWait;

    public PgServerLock(DataSource dataSource, Duration maxWait) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.maxWait = Objects.requireNonNull(maxWait, "max wait");
        if (maxWait.isNegative() || maxWait.isZero() || maxWait.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("max wait must be a positive number of milliseconds");
        }
    }

    static int lockKey(ServerId server) {
        long id = server.value();
        return (int) (id ^ (id >>> 32));
    }

    @Override
    public <T> T callExclusively(ServerId server, Supplier<T> work) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(work, "work");
        LockSession session = new LockSession(openConnection(server));
        try {
            acquire(session, server);
            return work.get();
        } finally {
            release(session, server);
        }
    }

    /** A connection and what we know of its state; anything uncertain ends the session. */
    private static final class LockSession {
        final Connection connection;
        boolean locked;
        boolean tainted;

        LockSession(Connection connection) {
            this.connection = connection;
        }
    }

    private Connection openConnection(ServerId server) {
        try {
            Connection connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            return connection;
        } catch (SQLException e) {
            throw new DatabaseFailure("could not get a connection to lock server " + server, e);
        }
    }

    private void acquire(LockSession session, ServerId server) {
        try (Statement statement = session.connection.createStatement()) {
            statement.execute("SET lock_timeout = '" + maxWait.toMillis() + "ms'");
        } catch (SQLException e) {
            session.tainted = true;
            throw new DatabaseFailure("could not lock server " + server, e);
        }
        SQLException failure = null;
        try (PreparedStatement lock = session.connection.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
            lock.setInt(1, NAMESPACE);
            lock.setInt(2, lockKey(server));
            lock.execute();
            session.locked = true;
        } catch (SQLException e) {
            failure = e;
        }
        // The pool must not lend out a session with our short lock_timeout.
        try (Statement statement = session.connection.createStatement()) {
            statement.execute("RESET lock_timeout");
        } catch (SQLException e) {
            session.tainted = true;
        }
        if (failure == null) {
            return;
        }
        if (SQLSTATE_LOCK_NOT_AVAILABLE.equals(failure.getSQLState())
                || SQLSTATE_QUERY_CANCELED.equals(failure.getSQLState())) {
            throw new ServerBusy("server " + server + " is busy with another request; try again shortly");
        }
        throw new DatabaseFailure("could not lock server " + server, failure);
    }

    private void release(LockSession session, ServerId server) {
        boolean clean = !session.tainted;
        if (session.locked) {
            try (PreparedStatement unlock = session.connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
                unlock.setInt(1, NAMESPACE);
                unlock.setInt(2, lockKey(server));
                try (ResultSet rs = unlock.executeQuery()) {
                    clean &= rs.next() && rs.getBoolean(1);
                }
            } catch (SQLException e) {
                clean = false;
            }
        }
        if (!clean) {
            LOG.warn("Could not confirm the release of server {}'s lock; discarding its database session", server);
            discard(session.connection);
        }
        try {
            session.connection.close();
        } catch (SQLException ignored) {
            // Nothing more to release.
        }
    }

    /** Ending the session is the one sure way to drop a lock we could not release. */
    private void discard(Connection connection) {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                // Closes the physical connection now, so the pool never lends it out again.
                dataSource.unwrap(HikariDataSource.class).evictConnection(connection);
            } else {
                connection.abort(Runnable::run);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not discard a database session: {}", e.toString());
        }
    }
}
