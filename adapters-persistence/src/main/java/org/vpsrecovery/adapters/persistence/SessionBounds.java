package org.vpsrecovery.adapters.persistence;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a pooled session may wait for a lock, sit silent inside a transaction, and go unheard over TCP before
 * PostgreSQL gives up on it (ADR 0023, amended in session 39). Without them an instance that vanished mid-hold (power
 * lost, a network cut: no FIN reaches PostgreSQL) kept the chain head's row lock, a team's lock or a server's lock until
 * the kernel gave its socket up (~2 h), and every other instance's waiter waited as long.
 *
 * <ul>
 *   <li>{@code lockTimeout}: PostgreSQL's {@code lock_timeout}; a statement waiting longer for another session's lock
 *   fails (SQLSTATE 55P03), answered 503 with Retry-After on a request, tried again by a job;</li>
 *   <li>{@code idleInTransactionTimeout}: {@code idle_in_transaction_session_timeout}; a session silent that long in a
 *   transaction is ended, its locks with it (a server lock's holder keeps its own alive: {@link PgServerLock});</li>
 *   <li>{@code keepaliveIdle}: the server side's {@code tcp_keepalives_idle}, probes every third of it, three of them
 *   ({@code tcp_keepalives_interval}, {@code tcp_keepalives_count}): a vanished machine's sessions end after about twice
 *   it, in a transaction or not, their connection slots with them. A frozen process on a live machine still answers
 *   the probes: the idle timeout is what ends its locks.</li>
 * </ul>
 *
 * And READ COMMITTED, pinned rather than assumed (ADR 0023, amended in session 42): a team's limit
 * ({@code TeamLimitedInsert}) counts in a statement after its lock's wait, and the chain head's {@code FOR UPDATE} reads
 * the head another writer committed while it waited; under a database's or role's default of REPEATABLE READ the first
 * counts from before the wait (two creates pass a limit of one) and the second fails with 40001.

 *
 * Sent as pgjdbc's {@code options} connection property, in the startup packet: no round trip more.
 */
public record SessionBounds(Duration lockTimeout, Duration idleInTransactionTimeout, Duration keepaliveIdle) {

    public static final String LOCK_TIMEOUT = "vpsr.database.lock-timeout";
    public static final String IDLE_IN_TRANSACTION_TIMEOUT = PostgresAdapterFactory.IDLE_IN_TRANSACTION_TIMEOUT;
    public static final String KEEPALIVE_IDLE = "vpsr.database.keepalive-idle";

    /** The probes after the idle time, every third of it. */
    static final int KEEPALIVE_PROBES = 3;

    /** Checked at start, naming the key at fault. */
    public SessionBounds {
        require(LOCK_TIMEOUT, lockTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
        require(IDLE_IN_TRANSACTION_TIMEOUT, idleInTransactionTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
        require(KEEPALIVE_IDLE, keepaliveIdle, Duration.ofSeconds(3), Duration.ofHours(1));
    }

    private static void require(String key, Duration value, Duration least, Duration most) {
        Objects.requireNonNull(value, key);
        if (value.compareTo(least) < 0 || value.compareTo(most) > 0) {
            throw new IllegalArgumentException(key + " must be " + least.toString().substring(2).toLowerCase()
                    + " to " + most.toString().substring(2).toLowerCase() + ", not " + value);
        }
    }

    /** Each setting as pgjdbc's {@code options} property gives it to the session: {@code -c name=value}. */
    public String pgjdbcOptions() {
        long keepaliveSeconds = keepaliveIdle.toSeconds();
        return "-c lock_timeout=" + lockTimeout.toMillis()
                + " -c idle_in_transaction_session_timeout=" + idleInTransactionTimeout.toMillis()
                + " -c tcp_keepalives_idle=" + keepaliveSeconds
                + " -c tcp_keepalives_interval=" + Math.max(1, keepaliveSeconds / KEEPALIVE_PROBES)
                + " -c tcp_keepalives_count=" + KEEPALIVE_PROBES
                // The space escaped as PostgreSQL reads the startup packet's options.
                + " -c default_transaction_isolation=read\\ committed";
    }

    /**
     * {@code options} with these settings first: an operator's own {@code options} come after them and so win where
     * they name the same setting.
     */
    public String mergedInto(String options) {
        return options == null || options.isBlank() ? pgjdbcOptions() : pgjdbcOptions() + " " + options.strip();
    }
}
