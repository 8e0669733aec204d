package org.vpsrecovery.adapters.persistence.failure;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * A database busy or out of reach, told apart from a statement's own fault at the persistence adapter's boundary:
 * the former is the domain's {@link PlatformUnavailable}, which the facade answers 503 with Retry-After (a load
 * balancer tries the read elsewhere), the latter stays a failure of no domain type, a 500 to look into. A package of
 * its own, on nothing of the adapter's, so every repository's package can use it without a cycle.
 */
public final class DatabaseOutOfReach {

    /** A pool's wait (5 s) already passed, or a failover is under way: seconds, not a moment. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /**
     * PostgreSQL's states of a database out of reach for now: too many connections, shut down by an administrator
     * or a crash, not yet taking connections (a standby being promoted). Class 08, connection exceptions, too. And a
     * lock not granted within the session's {@code lock_timeout} (55P03): another session holds what the statement
     * needs, a vanished instance's until PostgreSQL ends it (ADR 0023, amended in session 39); nothing was done.
     */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("53300", "57P01", "57P02", "57P03", "55P03");
    /**
     * Of those, and of class 08, the states after which nothing of a statement was done: the connection not made
     * (08001 unable to connect, 08004 rejected, 53300 too many, 57P03 not yet taking connections) or the lock not
     * granted (55P03). Class 08's others (08003, 08006: the connection lost) and a server ended under a statement
     * (57P01, 57P02) may come after its commit.
     */
    private static final Set<String> NOTHING_DONE_STATES = Set.of("08001", "08004", "53300", "57P03", "55P03");

    /**
     * HikariCP's stand-in for a connection it has let go: put in place of the physical one once a statement failed as
     * a lost connection (57P01, class 08), every further call on it throws a plain {@code SQLException("Connection is
     * closed")} with no SQLState and no type of its own (HikariCP 6.3). Micronaut Data's end of the read (resetting
     * read-only) then meets it and throws that in place of the statement's own failure, which is lost. No type, no
     * state: the class that threw it is what tells it, not its wording (ADR 0023, amended in session 46).
     */
    private static final String POOLS_CLOSED_CONNECTION = "com.zaxxer.hikari.pool.ProxyConnection$ClosedConnection";

    private DatabaseOutOfReach() {
    }

    /**
     * Whether the failure is the database's being out of reach or out of connections, not the statement's fault:
     * HikariCP's pool timeout ({@link SQLTransientConnectionException}), a connection refused or lost, or a call on a
     * connection the pool let go as lost ({@link #POOLS_CLOSED_CONNECTION}).
     */
    public static boolean outOfReach(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || UNAVAILABLE_STATES.contains(sql.getSQLState()))) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() == null && thrownByThePoolsClosedConnection(sql)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code failure} was thrown by HikariCP's stand-in for a connection it let go. */
    private static boolean thrownByThePoolsClosedConnection(SQLException failure) {
        StackTraceElement[] frames = failure.getStackTrace();
        return frames.length > 0 && POOLS_CLOSED_CONNECTION.equals(frames[0].getClassName());
    }

    /** {@code what}: what could not be done now, e.g. "read the operation". */
    public static PlatformUnavailable unavailable(String what, Throwable cause) {
        return new PlatformUnavailable("the platform's database cannot " + what + " now (busy or out of reach); "
                + "try again shortly", RETRY_AFTER, cause);
    }

    /**
     * A read of a repository: {@link PlatformUnavailable} when the database is busy or out of reach, else the failure
     * as it was. Reading changes nothing, so a connection lost during it is as unavailable as one never given. The one
     * way every repository's reads say so (session 40), not a try and catch in each.
     */
    public static <T> T read(String what, Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            throw !(e instanceof RecoveryException) && outOfReach(e) ? unavailable(what, e) : e;
        }
    }

    /**
     * A write of one statement committed on its own: {@link PlatformUnavailable} only when the database did nothing of
     * it ({@link #nothingDone}: no connection given, a lock not granted), which a caller may record as not done. A
     * connection lost during it, or a server ended under it, may come after the commit: that failure stays as it was,
     * of no domain type, so the audited callers record it unresolved, never as not done (ADR 0023, amended in session 40).
     */
    public static <T> T write(String what, Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            throw !(e instanceof RecoveryException) && nothingDone(e) ? unavailable(what, e) : e;
        }
    }

    /** As {@link #write(String, Supplier)}, for a write that answers nothing. */
    public static void write(String what, Runnable write) {
        write(what, () -> {
            write.run();
            return null;
        });
    }

    /**
     * Whether the failure is certainly before anything was written: the pool gave no connection within its wait
     * (HikariCP's {@link SQLTransientConnectionException}), PostgreSQL refused or could not yet take the connection, or
     * a lock the statement needed was not granted within {@code lock_timeout}, which ends the statement and its own
     * transaction ({@link #NOTHING_DONE_STATES}).
     */
    public static boolean nothingDone(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && NOTHING_DONE_STATES.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
