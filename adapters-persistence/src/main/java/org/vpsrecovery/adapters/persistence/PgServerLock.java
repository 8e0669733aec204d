package org.vpsrecovery.adapters.persistence;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.ServerBusy;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Per-server mutual exclusion across threads and service instances (ADR 0023).
 *
 * <p>Two stages, both bounded by {@code maxWait} in all. First, inside this instance, a fair
 * per-server gate: requests for a server queue in memory, holding no database connection; at most
 * {@code maxWaitersPerServer} may queue, the rest are told {@link ServerBusy} at once. Second, the
 * gate's one holder takes a pooled connection (at most {@code maxLockConnections} of the pool at
 * once, so the audit appends and reads the work makes always find one) and waits in PostgreSQL for
 * the transaction-scoped advisory lock {@code pg_advisory_xact_lock(namespace, key)}, which orders
 * the instances. The work runs with that transaction open and idle; ending the transaction releases
 * the lock whatever happened — a lock granted just as {@code lock_timeout} fired is released by the
 * rollback too, so no pooled session can ever keep one. If the rollback cannot be confirmed, the
 * physical connection is evicted from the pool (which ends the session and its locks). A change on several servers
 * ({@link #callHoldingAll}: a restore from another server's backup) takes their gates in id order, then one lock
 * connection, and on it their advisory locks in id order, in one transaction: it never holds a lock connection while it
 * waits for another (ADR 0023, amended in session 45).
 *
 * <p>A holder that vanishes (power lost, network cut: no FIN reaches PostgreSQL) must not keep the lock until the
 * kernel gives its socket up (~2 h): the lock's transaction sets {@code idle_in_transaction_session_timeout} to
 * {@code silenceLimit}, so PostgreSQL ends a session that says nothing for that long, and a live holder's lock connection
 * is spoken on once it was silent for a third of it while its work runs (a VPS.org call may take longer than the
 * limit), so only a dead or frozen holder's session is ended. One sweeper thread per lock store does that for all its
 * holds, waking every sixth of the limit: a hold starts no thread or timer of its own, and only one silent for a third
 * of the limit gets its keep-alive, on a virtual thread (ADR 0023, amended in session 41).
 * {@link #close()} stops it, and from then on a hold is refused ({@link PlatformUnavailable}: the instance is shutting
 * down) rather than taken without keep-alives. A sweep that fails (a keep-alive's thread not started, an {@link Error})
 * is logged and counted, and the next sweep runs as usual (ADR 0023, amended in session 42). A keep-alive that fails
 * means the lock was lost while the work ran; that is logged (ADR 0023, amended in session 39), and the work's
 * {@link ServerLock.Hold} says so: a work asks it before its point of no return (ADR 0023, amended in session 40). It
 * answers from what the keep-alive last heard, and asks the session itself ({@code SELECT 1}) only when nothing was
 * heard from it for {@link #TRUSTED_FOR}: a warm create or delete asks within milliseconds of its lock's statement, so
 * it pays no round trip more.
 *
 * <p>Hand-written JDBC on purpose: advisory locks are outside what Micronaut Data expresses.
 * Keys: the two-int form with {@link #NAMESPACE} first; a server id beyond the int range is folded
 * into 32 bits, and a fold collision only makes two servers share a lock (more exclusion, never less).
 * Not reentrant.
 */
public final class PgServerLock implements ServerLock, AutoCloseable {

    /** "VPSR" in ASCII: this application's advisory-lock namespace. */
    public static final int NAMESPACE = 0x56505352;

    /** "VPSF": the trackers' following lock (ADR 0057), keyed by server as {@link #NAMESPACE}, never taken by a request. */
    public static final int FOLLOWING_NAMESPACE = 0x56505346;

    /**
     * The transaction's {@code lock_timeout} and {@code idle_in_transaction_session_timeout} (as {@code SET LOCAL}),
     * then the lock: one statement.
     */
    static final String LOCK_WITHIN_TIMEOUT = "WITH timeout AS MATERIALIZED (SELECT set_config('lock_timeout', ?, true),"
            + " set_config('idle_in_transaction_session_timeout', ?, true))"
            + " SELECT pg_advisory_xact_lock(?, ?) FROM timeout";

    /** What a holder says on its lock connection so that PostgreSQL does not take it for dead. */
    private static final String KEEP_ALIVE = "SELECT 1";

    private static final String SQLSTATE_LOCK_NOT_AVAILABLE = "55P03";
    private static final String SQLSTATE_QUERY_CANCELED = "57014";
    private static final Duration DATABASE_RETRY_AFTER = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(PgServerLock.class);

    /**
     * How long after its session last answered (the lock's statement, a keep-alive) a hold is taken as still held
     * without asking: far above a warm create's or delete's lock-to-call time (milliseconds), so those send nothing
     * more, and short beside a slow VPS.org's list read, after which one {@code SELECT 1} costs nothing that counts.
     */
    static final Duration TRUSTED_FOR = Duration.ofMillis(250);

    /**
     * How long a lock's session may stay silent before PostgreSQL ends it, a dead holder's lock with it, unless given
     * (ADR 0023, amended in session 39: {@code vpsr.database.idle-in-transaction-timeout}).
     */
    public static final Duration DEFAULT_SILENCE_LIMIT = Duration.ofSeconds(60);

    private final DataSource dataSource;
    private final int namespace;
    private final Duration maxWait;
    private final Duration silenceLimit;
    private final int maxWaitersPerServer;
    private final Semaphore lockConnections;
    private final int maxLockConnections;
    private final Duration trustedFor;
    private final ConcurrentHashMap<Integer, Gate> gates = new ConcurrentHashMap<>();
    /** The holds whose work runs now: the sweeper speaks for those silent for {@link #speakAfterNanos}. */
    private final Set<KeepAlive> holds = ConcurrentHashMap.newKeySet();
    /** One daemon platform thread for every hold of this store, started by the first hold (ADR 0023, session 41). */
    private final ScheduledThreadPoolExecutor keepAliveSweeper;
    /**
     * Orders the sweeper's one start against {@link #close()}: the sweeper is never scheduled on a shut-down executor
     * (whose answer would be an unchecked RejectedExecutionException on a hold's path), and a hold that begins after
     * the close is refused (ADR 0023, amended in session 42).
     */
    private final ReentrantLock lifecycle = new ReentrantLock();
    /** Written under {@link #lifecycle}; read without it on each hold's way in. */
    private volatile boolean sweeperScheduled;
    private volatile boolean closed;
    /** Starts a due keep-alive's thread: a virtual one named {@link #SPEAKING_THREAD}, or a test's. */
    private final ThreadFactory speakers;
    /** Sweeps that met a failure: each logged once, none the last (ADR 0023, amended in session 42). */
    private final AtomicLong failedSweeps = new AtomicLong();
    private final long sweepEveryNanos;
    private final long speakAfterNanos;

    /** The sweeper thread's name, numbered by store: one per lock store, whatever the number of holds. */
    static final String KEEP_ALIVE_THREAD = "server-lock-keep-alive";
    /** A due keep-alive's own virtual thread (a hold longer than a third of the silence limit). */
    static final String SPEAKING_THREAD = "server-lock-speaking";
    private static final AtomicInteger STORES = new AtomicInteger();

    /** With 16 waiters per server and 8 lock connections: for tests and small pools. */
    public PgServerLock(DataSource dataSource, Duration maxWait) {
        this(dataSource, maxWait, 16, 8);
    }

    public PgServerLock(DataSource dataSource, Duration maxWait, int maxWaitersPerServer, int maxLockConnections) {
        this(dataSource, maxWait, maxWaitersPerServer, maxLockConnections, DEFAULT_SILENCE_LIMIT);
    }

    /** {@code silenceLimit}: how long a holder's session may stay silent before PostgreSQL ends it and the lock. */
    public PgServerLock(DataSource dataSource, Duration maxWait, int maxWaitersPerServer, int maxLockConnections,
                        Duration silenceLimit) {
        this(dataSource, maxWait, maxWaitersPerServer, maxLockConnections, NAMESPACE, silenceLimit, TRUSTED_FOR,
                speakingThreads());
    }

    /** For tests: a hold not heard from for {@code trustedFor} asks its session whether it is still there. */
    PgServerLock(DataSource dataSource, Duration maxWait, Duration silenceLimit, Duration trustedFor) {
        this(dataSource, maxWait, 16, 8, NAMESPACE, silenceLimit, trustedFor, speakingThreads());
    }

    /** For tests: a due keep-alive's thread made by {@code speakers} (one that fails, say). */
    PgServerLock(DataSource dataSource, Duration maxWait, Duration silenceLimit, ThreadFactory speakers) {
        this(dataSource, maxWait, 16, 8, NAMESPACE, silenceLimit, TRUSTED_FOR, speakers);
    }

    private static ThreadFactory speakingThreads() {
        return Thread.ofVirtual().name(SPEAKING_THREAD).factory();
    }

    /**
     * The trackers' following lock (ADR 0057): one server's trackers (of any instance) one at a time, in another
     * namespace than the requests' lock, so it never keeps a request out; one waiter and one connection of the pool.
     */
    public static PgServerLock following(DataSource dataSource, Duration maxWait) {
        return following(dataSource, maxWait, DEFAULT_SILENCE_LIMIT);
    }

    /** As {@link #following(DataSource, Duration)}, a dead tracker's session ended after {@code silenceLimit}. */
    public static PgServerLock following(DataSource dataSource, Duration maxWait, Duration silenceLimit) {
        return new PgServerLock(dataSource, maxWait, 1, 1, FOLLOWING_NAMESPACE, silenceLimit, TRUSTED_FOR,
                speakingThreads());
    }

    private PgServerLock(DataSource dataSource, Duration maxWait, int maxWaitersPerServer, int maxLockConnections,
                         int namespace, Duration silenceLimit, Duration trustedFor, ThreadFactory speakers) {
        this.namespace = namespace;
        this.speakers = Objects.requireNonNull(speakers, "speakers");
        this.trustedFor = Objects.requireNonNull(trustedFor, "trusted for");
        this.silenceLimit = Objects.requireNonNull(silenceLimit, "silence limit");
        // A third of it between keep-alives: at least 1 ms, and whole milliseconds for PostgreSQL and the socket.
        if (silenceLimit.toMillis() < 3 || silenceLimit.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the silence limit must be 3 ms to " + Integer.MAX_VALUE + " ms");
        }
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.maxWait = Objects.requireNonNull(maxWait, "max wait");
        if (maxWait.isNegative() || maxWait.isZero() || maxWait.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("max wait must be a positive number of milliseconds");
        }
        if (maxWaitersPerServer < 1 || maxLockConnections < 1) {
            throw new IllegalArgumentException("max waiters per server and max lock connections must be positive");
        }
        this.maxWaitersPerServer = maxWaitersPerServer;
        this.lockConnections = new Semaphore(maxLockConnections, true);
        this.maxLockConnections = maxLockConnections;
        // Silent for a third of the limit, a hold is spoken for at the next sweep: within a half of the limit.
        this.speakAfterNanos = silenceLimit.toNanos() / 3;
        this.sweepEveryNanos = silenceLimit.toNanos() / 6;
        String threadName = KEEP_ALIVE_THREAD + (namespace == FOLLOWING_NAMESPACE ? "-following-" : "-")
                + STORES.incrementAndGet();
        this.keepAliveSweeper = new ScheduledThreadPoolExecutor(1,
                task -> Thread.ofPlatform().name(threadName).daemon(true).unstarted(task));
        keepAliveSweeper.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Stops the keep-alive sweeper: after this, a hold under way longer than the silence limit loses its lock (as its
     * hold then says), and a hold asked for is refused, {@link PlatformUnavailable}.
     */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            closed = true;
            keepAliveSweeper.shutdownNow();
        } finally {
            lifecycle.unlock();
        }
        try {
            // A keep-alive under way is bounded by its connection's network timeout; shutting down need not wait it out.
            keepAliveSweeper.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests: the threads keeping this store's holds alive (one once a hold was taken, however many are held). */
    int keepAliveWorkers() {
        return keepAliveSweeper.getPoolSize();
    }

    /** For tests: the sweeps that met a failure and went on. */
    long failedSweeps() {
        return failedSweeps.get();
    }

    private static PlatformUnavailable shuttingDown(ServerId server) {
        return new PlatformUnavailable("this instance is shutting down; server " + server + " was not changed; "
                + "try again shortly", DATABASE_RETRY_AFTER, null);
    }

    /**
     * On a hold's way in: the sweeper scheduled once, under the same lock as {@link #close()}, so never on a closed
     * store; a closed store refuses the hold before anything is taken.
     */
    private void sweepingOrRefuse(ServerId server) {
        if (sweeperScheduled && !closed) {
            return;
        }
        lifecycle.lock();
        try {
            if (closed) {
                throw shuttingDown(server);
            }
            if (!sweeperScheduled) {
                keepAliveSweeper.scheduleWithFixedDelay(this::sweep, sweepEveryNanos, sweepEveryNanos,
                        TimeUnit.NANOSECONDS);
                sweeperScheduled = true;
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Hands each hold silent for a third of the limit its keep-alive, on a virtual thread of its own, at most one at a
     * time a hold: a connection that hangs (frozen, given up after its network timeout) holds up only its own hold's.
     * Only holds longer than a third of the limit get one; the milliseconds-long ones never do. A hold whose keep-alive
     * failed leaves the set: its lock is lost, as its hold says, and nothing more is sent on its connection.
     *
     * <p>Nothing is thrown out of here: a periodic task that throws is never run again, and every hold from then on
     * would lose its lock to the silence limit. One hold's failure does not keep the others' keep-alives back.
     */
    private void sweep() {
        Throwable failure = null;
        try {
            for (KeepAlive hold : holds) {
                try {
                    handOutKeepAlive(hold);
                } catch (Throwable e) {
                    failure = failure == null ? e : failure;
                }
            }
        } catch (Throwable e) {
            failure = e;
        }
        if (failure != null) {
            noteFailedSweep(failure);
        }
    }

    private void handOutKeepAlive(KeepAlive hold) {
        if (!hold.dueAfter(speakAfterNanos) || !hold.speakingSoon.compareAndSet(false, true)) {
            return;
        }
        try {
            speakers.newThread(() -> {
                try {
                    if (!hold.keepAliveIfSilentFor(speakAfterNanos)) {
                        holds.remove(hold);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("A server lock's keep-alive failed unexpectedly: {}", e.toString());
                } finally {
                    hold.speakingSoon.set(false);
                }
            }).start();
        } catch (Throwable e) {
            // Not handed out: the next sweep hands it out again, or the hold would never be spoken for.
            hold.speakingSoon.set(false);
            throw e;
        }
    }

    private void noteFailedSweep(Throwable failure) {
        long failed = failedSweeps.incrementAndGet();
        try {
            LOG.error("A keep-alive sweep of the server locks failed ({} so far); the next one runs as usual, and a "
                    + "hold it missed is spoken for then", failed, failure);
        } catch (Throwable ignored) {
            // Not even logged: counted, and the sweeps go on.
        }
    }

    static int lockKey(ServerId server) {
        long id = server.value();
        return (int) (id ^ (id >>> 32));
    }

    /** One server's queue in this instance: a fair permit, and how many hold or wait for it. */
    private static final class Gate {
        final Semaphore permit = new Semaphore(1, true);
        int users;
    }

    @Override
    public <T> T callExclusively(ServerId server, Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        return callHolding(server, hold -> work.get());
    }

    @Override
    public <T> T callHolding(ServerId server, Function<ServerLock.Hold, T> work) {
        Objects.requireNonNull(server, "server");
        return callHoldingAll(List.of(server), work);
    }

    /**
     * Every one of {@code servers} held by one change (ADR 0023, amended in session 45): their gates in key order, then
     * ONE of the instance's lock connections, on which the advisory locks are taken in that order in one transaction and
     * ended together. A change never holds a lock connection while it waits for another, so a restore from another
     * server's backup needs one as a one-server change does, and no configuration can keep it out on an idle instance.
     */
    @Override
    public <T> T callHoldingAll(Collection<ServerId> servers, Function<ServerLock.Hold, T> work) {
        Objects.requireNonNull(work, "work");
        List<ServerId> inOrder = lockedOnce(inKeyOrder(ServerLock.inIdOrder(servers)));
        ServerId first = inOrder.getFirst();
        sweepingOrRefuse(first);
        long deadline = System.nanoTime() + maxWait.toNanos();
        List<Integer> joined = new ArrayList<>();
        List<Gate> entered = new ArrayList<>();
        try {
            for (ServerId server : inOrder) {
                int key = lockKey(server);
                Gate gate = join(key, server);
                joined.add(key);
                StorePhase gateWait = StorePhase.started();
                if (!acquire(gate.permit, deadline)) {
                    throw busy(server);
                }
                entered.add(gate);
                gateWait.done("lock.gate", server, gate.users);
            }
            StorePhase connectionsWait = StorePhase.started();
            if (!acquire(lockConnections, deadline)) {
                // Not these servers' doing: every lock connection of the instance serves other servers' changes.
                throw atCapacity(inOrder);
            }
            connectionsWait.done("lock.connection-permit", first, 0);
            try {
                return underDatabaseLock(inOrder, deadline, work);
            } finally {
                lockConnections.release();
            }
        } finally {
            entered.forEach(gate -> gate.permit.release());
            joined.forEach(this::leave);
        }
    }

    /**
     * The gates and the advisory locks are by key, so they are taken in key order (then id): in id order, ids at or
     * above 2^32 folding onto a lower key crossed two changes' orders, and each waited for the other until both were
     * refused busy (ADR 0023, review of session 45).
     */
    private static List<ServerId> inKeyOrder(List<ServerId> servers) {
        return servers.stream().sorted(Comparator.comparingInt(PgServerLock::lockKey)
                .thenComparingLong(ServerId::value)).toList();
    }

    /** Servers whose ids fold to one key share its lock (ADR 0023): the first of them stands for the others. */
    private static List<ServerId> lockedOnce(List<ServerId> inOrder) {
        Set<Integer> keys = new HashSet<>();
        return inOrder.stream().filter(server -> keys.add(lockKey(server))).toList();
    }

    private Gate join(int key, ServerId server) {
        boolean[] full = new boolean[1];
        Gate gate = gates.compute(key, (k, existing) -> {
            Gate g = existing == null ? new Gate() : existing;
            // One holder plus the allowed waiters.
            if (g.users > maxWaitersPerServer) {
                full[0] = true;
            } else {
                g.users++;
            }
            return g;
        });
        if (full[0]) {
            throw busy(server);
        }
        return gate;
    }

    private void leave(int key) {
        gates.computeIfPresent(key, (k, g) -> --g.users == 0 ? null : g);
    }

    private static boolean acquire(Semaphore semaphore, long deadline) {
        try {
            return semaphore.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private <T> T underDatabaseLock(List<ServerId> inOrder, long deadline, Function<ServerLock.Hold, T> work) {
        ServerId server = inOrder.getFirst();
        Connection connection;
        StorePhase pool = StorePhase.started();
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new PlatformUnavailable("the platform's database has no connection free to lock server " + server
                    + "; nothing was done", DATABASE_RETRY_AFTER, e);
        }
        pool.done("lock.pool", server, 0);
        boolean clean = false;
        try {
            connection.setAutoCommit(false);
            long asked = System.nanoTime();
            for (ServerId each : inOrder) {
                // PostgreSQL's idle timer starts when a statement ends, which is before its answer reached us: the hold
                // is dated from the moment the last lock statement was sent (session 45).
                asked = System.nanoTime();
                if (!lockedOn(connection, each, deadline)) {
                    clean = rollback(connection);
                    throw busy(each);
                }
            }
            // A session that does not answer within the silence limit is gone or about to be: the keep-alive and the
            // release give up on it then (Hikari puts the socket's timeout back when the connection returns).
            connection.setNetworkTimeout(Runnable::run, (int) silenceLimit.toMillis());
            if (closed) {
                // Queued before the close, granted after it: no sweeper speaks for it any more (session 42).
                clean = rollback(connection);
                throw shuttingDown(server);
            }
            KeepAlive keepAlive = new KeepAlive(connection, trustedFor, asked);
            holds.add(keepAlive);
            T result;
            try {
                result = work.apply(keepAlive);
            } finally {
                SQLException lost = keepAlive.stop();
                holds.remove(keepAlive);
                if (lost != null) {
                    LOG.error("Server {}'s lock session stopped answering while its work ran, so its lock may have "
                            + "ended before the work did (work that asked its hold before calling VPS.org did not "
                            + "call it): {}", server, lost.toString());
                }
                // Nothing was written on this connection: ending the transaction is the unlock.
                StorePhase release = StorePhase.started();
                clean = rollback(connection);
                release.done("lock.release", server, 0);
            }
            return result;
        } catch (SQLException e) {
            throw new PlatformUnavailable("the platform's database could not lock server " + server
                    + "; nothing was done", DATABASE_RETRY_AFTER, e);
        } finally {
            if (!clean) {
                LOG.warn("Could not confirm the end of server {}'s lock transaction; discarding its database session",
                        server);
                discard(connection);
            }
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Nothing more to release.
            }
        }
    }

    /**
     * One server's advisory lock in the connection's transaction, waited for at most until {@code deadline}: false when
     * another session held it that long (the caller then ends the transaction, and with it any lock it took before).
     */
    private boolean lockedOn(Connection connection, ServerId server, long deadline) throws SQLException {
        StorePhase statement = StorePhase.started();
        long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        // The lock's answer is waited for at most its own wait and the silence limit (ADR 0023, amended in session
        // 42): a database gone silent mid-statement answers "could not lock, nothing done" instead of holding the
        // caller and its connection for as long as the kernel keeps the socket.
        connection.setNetworkTimeout(Runnable::run, Math.toIntExact(waitMillis + silenceLimit.toMillis()));
        // One round trip: pgjdbc sends the BEGIN with the first (ADR 0042). The timeout is set in the lock's own
        // statement (ADR 0093), before the lock is asked for: the materialized part is read before the lock is evaluated.
        try (PreparedStatement lock = connection.prepareStatement(LOCK_WITHIN_TIMEOUT)) {
            lock.setString(1, waitMillis + "ms");
            lock.setString(2, silenceLimit.toMillis() + "ms");
            lock.setInt(3, namespace);
            lock.setInt(4, lockKey(server));
            lock.execute();
            statement.done("lock.statement", server, 0);
            return true;
        } catch (SQLException e) {
            if (SQLSTATE_LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || SQLSTATE_QUERY_CANCELED.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /**
     * A held lock's connection, spoken on by the store's sweeper while silent for a third of the limit, until stopped,
     * so that PostgreSQL's {@code idle_in_transaction_session_timeout} ends only a dead holder's session. Never after
     * {@link #stop()}: the connection then goes back to the pool. Also the work's hold: lost once the session failed
     * to answer.
     */
    private static final class KeepAlive implements ServerLock.Hold {
        private final Connection connection;
        private final long trustedForNanos;
        private final ReentrantLock speaking = new ReentrantLock();
        /** Written under {@link #speaking}; read without it by the sweeper only to skip a released hold early. */
        private volatile boolean stopped;
        private volatile SQLException lost;
        /**
         * When the session was last known alive: when the statement it last answered was sent (the lock's, then each
         * keep-alive), not when its answer came: PostgreSQL's silence timer started no earlier than that, while an answer
         * delivered late (a network blip) may come after PostgreSQL ended the session for its silence (session 45).
         */
        private volatile long lastHeard;

        KeepAlive(Connection connection, Duration trustedFor, long lockAsked) {
            this.connection = connection;
            this.trustedForNanos = trustedFor.toNanos();
            this.lastHeard = lockAsked;
        }

        /**
         * False once the session failed to answer: ended, its transaction and so its lock with it. Heard from within
         * the trusted time, true without a round trip; else the session is asked, as a keep-alive is.
         */
        @Override
        public boolean stillHeld() {
            if (lost != null) {
                return false;
            }
            if (System.nanoTime() - lastHeard < trustedForNanos) {
                return true;
            }
            speaking.lock();
            try {
                if (stopped) {
                    return false; // released: the work is over
                }
                return lost == null && speak();
            } finally {
                speaking.unlock();
            }
        }

        /** Under {@link #speaking}: one keep-alive; false, and the failure noted, if the session did not answer. */
        private boolean speak() {
            try (Statement statement = connection.createStatement()) {
                long asked = System.nanoTime();
                statement.execute(KEEP_ALIVE);
                lastHeard = asked;
                return true;
            } catch (SQLException e) {
                // Noted before stop() can look.
                lost = e;
                return false;
            }
        }

        /** Set by the sweeper while this hold's keep-alive is handed out: never two at once. */
        final AtomicBoolean speakingSoon = new AtomicBoolean();

        /** Silent for {@code silentNanos} and still kept (neither released nor lost). */
        boolean dueAfter(long silentNanos) {
            return !stopped && lost == null && System.nanoTime() - lastHeard >= silentNanos;
        }

        /**
         * The sweeper's turn: one keep-alive if the session was silent for {@code silentNanos}. False once there is
         * nothing more to keep alive (released, or lost: no keep-alive is sent after a failed one).
         */
        boolean keepAliveIfSilentFor(long silentNanos) {
            if (stopped || lost != null) {
                return false;
            }
            if (System.nanoTime() - lastHeard < silentNanos) {
                return true;
            }
            // The holder speaking now (stillHeld) is heard as well as a keep-alive: no waiting on it, the others' due.
            if (!speaking.tryLock()) {
                return true;
            }
            try {
                return !stopped && lost == null && speak();
            } finally {
                speaking.unlock();
            }
        }

        /** Stops it, waiting for a keep-alive under way; the failure that ended it early, if one did. */
        SQLException stop() {
            speaking.lock();
            try {
                stopped = true;
            } finally {
                speaking.unlock();
            }
            return lost;
        }
    }

    private static boolean rollback(Connection connection) {
        try {
            connection.rollback();
            connection.setAutoCommit(true);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private PlatformUnavailable atCapacity(List<ServerId> servers) {
        String which = servers.size() == 1 ? "server " + servers.getFirst() + " was"
                : "servers " + servers.stream().map(ServerId::toString).collect(Collectors.joining(" and ")) + " were";
        return new PlatformUnavailable("this instance is at its capacity of " + maxLockConnections + " changes at once "
                + "on other servers; " + which + " not changed; try again shortly", DATABASE_RETRY_AFTER, null);
    }

    private static ServerBusy busy(ServerId server) {
        return new ServerBusy("server " + server + " is busy with another request; try again shortly");
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
