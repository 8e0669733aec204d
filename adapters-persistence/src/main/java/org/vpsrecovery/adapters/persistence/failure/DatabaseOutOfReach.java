package org.vpsrecovery.adapters.persistence.failure;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Set;
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

    private DatabaseOutOfReach() {
    }

    /**
     * Whether the failure is the database's being out of reach or out of connections, not the statement's fault:
     * HikariCP's pool timeout ({@link SQLTransientConnectionException}), a connection refused or lost.
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
        }
        return false;
    }

    /** {@code what}: what could not be done now, e.g. "read the operation". */
    public static PlatformUnavailable unavailable(String what, Throwable cause) {
        return new PlatformUnavailable("the platform's database cannot " + what + " now (busy or out of reach); "
                + "try again shortly", RETRY_AFTER, cause);
    }

    /**
     * For the repositories' reads of the request paths (an operation, its holds, the drifts): {@link PlatformUnavailable}
     * when the database is busy or out of reach, else the failure as it was.
     */
    public static RuntimeException unavailableOr(String what, RuntimeException e) {
        return !(e instanceof RecoveryException) && outOfReach(e) ? unavailable(what, e) : e;
    }
}
