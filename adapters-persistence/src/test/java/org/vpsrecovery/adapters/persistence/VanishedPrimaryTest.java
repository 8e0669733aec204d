package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;
import org.vpsrecovery.adapters.persistence.fairshare.PgFairShare;
import org.vpsrecovery.adapters.persistence.testing.FreezableRelay;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.FairShareLimits;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.ServerBusy;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The primary vanishes (no FIN) while a pooled statement other than the writer's or the lock's waits for its answer;
 * new connections then reach the new primary (ADR 0023, amended in session 45; a reviewer's probe, its assertions
 * turned to the wanted behaviour). The pool's network bound answers the statement as the database out of reach, and
 * the same instance then locks the server and serves the team again. And a lock's grant delivered late is not trusted.
 */
class VanishedPrimaryTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final Duration SILENCE_LIMIT = Duration.ofSeconds(1);
    /**
     * The pool's bound on every statement's answer, as {@link PooledSessionBounds} gives it to the service's pool
     * (pgjdbc's {@code socketTimeout}, whole seconds); 90 s there, short here.
     */
    private static final int NETWORK_TIMEOUT_SECONDS = 3;
    private static final SessionBounds BOUNDS = new SessionBounds(Duration.ofMillis(500), Duration.ofSeconds(2),
            Duration.ofSeconds(30));

    private static PGSimpleDataSource bounded(String url, TestDatabase database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        dataSource.setUser(database.user());
        dataSource.setPassword(database.password());
        dataSource.setOptions(BOUNDS.pgjdbcOptions());
        dataSource.setLoginTimeout(2);
        dataSource.setSocketTimeout(NETWORK_TIMEOUT_SECONDS);
        return dataSource;
    }

    /** The old primary (through the relay) until {@code failedOver}, then the new one (direct). */
    private static DataSource switchable(FreezableRelay oldPrimary, TestDatabase database, AtomicBoolean failedOver) {
        PGSimpleDataSource old = bounded(oldPrimary.url(), database);
        PGSimpleDataSource fresh = bounded(database.url(), database);
        return new DataSource() {
            private DataSource now() {
                return failedOver.get() ? fresh : old;
            }

            @Override
            public Connection getConnection() throws SQLException {
                return now().getConnection();
            }

            @Override
            public Connection getConnection(String user, String password) throws SQLException {
                return now().getConnection(user, password);
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 2;
            }

            @Override
            public Logger getParentLogger() throws SQLFeatureNotSupportedException {
                throw new SQLFeatureNotSupportedException();
            }

            @Override
            public <T> T unwrap(Class<T> iface) throws SQLException {
                throw new SQLException("no");
            }

            @Override
            public boolean isWrapperFor(Class<?> iface) {
                return false;
            }
        };
    }

    private static HikariDataSource pool(DataSource source) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(source);
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(2000);
        config.setValidationTimeout(500);
        return new HikariDataSource(config);
    }

    private static CompletableFuture<Throwable> answerOf(Runnable call) {
        CompletableFuture<Throwable> answer = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                call.run();
                answer.complete(null);
            } catch (Throwable failure) {
                answer.complete(failure);
            }
        });
        return answer;
    }

    private static <T> T untilNotBusy(Supplier<T> attempt) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            try {
                return attempt.get();
            } catch (ServerBusy busy) {
                // again
            }
        }
        throw new IllegalStateException("still busy after 60 s");
    }

    /** As the repositories read ({@link DatabaseOutOfReach#read}): a lost connection is the database out of reach. */
    private static void read(DataSource pool, String sql) {
        DatabaseOutOfReach.read("read the work", () -> {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute(sql);
                return null;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aWorksStatementUnansweredByAVanishedPrimaryIsAnsweredWithinTheBoundAndTheServerIsLockedAgain() throws Exception {
        TestDatabase database = DATABASE.database();
        ServerId server = new ServerId(45_001);
        AtomicBoolean failedOver = new AtomicBoolean();
        try (FreezableRelay oldPrimary = new FreezableRelay(database.url());
             HikariDataSource pool = pool(switchable(oldPrimary, database, failedOver));
             PgServerLock instanceA = new PgServerLock(pool, Duration.ofSeconds(1), 16, 8, SILENCE_LIMIT)) {
            try (Connection pooled = pool.getConnection()) {
                assertThat(pooled.getNetworkTimeout()).isEqualTo(NETWORK_TIMEOUT_SECONDS * 1000);
            }
            oldPrimary.freezeBeforeClientSends("SELECT 'the work'");
            CompletableFuture<Throwable> answered = answerOf(() -> instanceA.callExclusively(server, () -> {
                // e.g. OperationRows.addUnflushed, a check's liveRestores: a pooled statement of the pool's bound
                read(pool, "SELECT 'the work'");
                return "done";
            }));
            assertThat(oldPrimary.awaitClientHeldBack(Duration.ofSeconds(30))).isTrue();
            failedOver.set(true);
            pool.getHikariPoolMXBean().softEvictConnections();

            // The cap only keeps a broken build from hanging: the bound answers it in seconds.
            assertThat(answered.get(60, TimeUnit.SECONDS)).as("the request under the lock is answered, typed")
                    .isInstanceOf(PlatformUnavailable.class);
            // The same instance takes the server again once PostgreSQL ended the old session (its silence limit).
            assertThat(untilNotBusy(() -> instanceA.callExclusively(server, () -> "again"))).isEqualTo("again");
            assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("no connection held for good").isZero();
        }
    }

    @Test
    void aRateRoundTripUnansweredByAVanishedPrimaryIsAnsweredAndTheTeamIsServedAgain() throws Exception {
        TestDatabase database = DATABASE.database();
        AtomicBoolean failedOver = new AtomicBoolean();
        FairShareLimits limits = new FairShareLimits(600, 8);
        try (FreezableRelay oldPrimary = new FreezableRelay(database.url());
             HikariDataSource pool = pool(switchable(oldPrimary, database, failedOver));
             PgFairShare fairShare = new PgFairShare(pool, Clock.systemUTC(), Duration.ofSeconds(20))) {
            oldPrimary.freezeBeforeClientSends("team_rate_bucket");
            CompletableFuture<Throwable> answered = answerOf(() -> fairShare.takeRequest(new TeamId("blue"), limits));
            assertThat(oldPrimary.awaitClientHeldBack(Duration.ofSeconds(30))).isTrue();
            failedOver.set(true);
            pool.getHikariPoolMXBean().softEvictConnections();

            assertThat(answered.get(60, TimeUnit.SECONDS)).as("the team's first request is answered, typed")
                    .isInstanceOf(PlatformUnavailable.class);
            // The team's rate lock is free again: its next request is served (no exception).
            fairShare.takeRequest(new TeamId("blue"), limits);
            fairShare.takeRequest(new TeamId("red"), limits);
        }
    }

    /**
     * A relay whose answers to the client are held back {@code delay} once the client sent {@code marker}: a network
     * that delivers PostgreSQL's answer late (retransmitted after a blip), not a silent one.
     */
    static final class DelayingRelay implements AutoCloseable {
        private final java.net.ServerSocket listening = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final java.net.InetSocketAddress target;
        private final String rest;
        private final java.util.List<java.net.Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final byte[] marker;
        private final long delayMillis;
        private volatile boolean armed;

        DelayingRelay(String jdbcUrl, String marker, Duration delay) throws java.io.IOException {
            java.util.regex.Matcher url = java.util.regex.Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)(/.*)").matcher(jdbcUrl);
            if (!url.matches()) {
                throw new IllegalArgumentException(jdbcUrl);
            }
            target = new java.net.InetSocketAddress(url.group(1), Integer.parseInt(url.group(2)));
            rest = url.group(3);
            this.marker = marker.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            this.delayMillis = delay.toMillis();
            Thread.ofVirtual().start(() -> {
                while (!listening.isClosed()) {
                    try {
                        java.net.Socket client = listening.accept();
                        java.net.Socket server = new java.net.Socket();
                        server.connect(target);
                        sockets.add(client);
                        sockets.add(server);
                        Thread.ofVirtual().start(() -> pump(client, server, true));
                        Thread.ofVirtual().start(() -> pump(server, client, false));
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
        }

        String url() {
            return "jdbc:postgresql://127.0.0.1:" + listening.getLocalPort() + rest;
        }

        private void pump(java.net.Socket from, java.net.Socket to, boolean fromClient) {
            byte[] buffer = new byte[65536];
            try (var in = from.getInputStream(); var out = to.getOutputStream()) {
                while (true) {
                    int read = in.read(buffer);
                    if (read < 0) {
                        to.shutdownOutput();
                        return;
                    }
                    long readAt = System.currentTimeMillis();
                    if (fromClient && !armed && new String(buffer, 0, read, java.nio.charset.StandardCharsets.ISO_8859_1)
                            .contains(new String(marker, java.nio.charset.StandardCharsets.ISO_8859_1))) {
                        armed = true;
                    }
                    if (!fromClient && armed) {
                        long wait = readAt + delayMillis - System.currentTimeMillis();
                        if (wait > 0) {
                            Thread.sleep(wait);
                        }
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (java.io.IOException | InterruptedException e) {
                // ended
            }
        }

        @Override
        public void close() throws java.io.IOException {
            listening.close();
            for (java.net.Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /**
     * The lock's grant reaches the holder later than the session's silence limit (its network timeout is the wait plus
     * that limit): PostgreSQL ended the session, and the lock, before the holder heard of the grant. The hold's "last
     * heard" is when the lock was asked, not when the grant came, so it is not trusted without asking: it says lost
     * while another instance holds the server (session 45; trusted for TRUSTED_FOR from the grant's receipt before).
     */
    @Test
    void aGrantHeardAfterItsSessionEndedIsNotTrustedWhileAnotherInstanceHoldsTheServer() throws Exception {
        TestDatabase database = DATABASE.database();
        ServerId server = new ServerId(45_003);
        try (DelayingRelay slowNetwork = new DelayingRelay(database.url(), "pg_advisory_xact_lock", Duration.ofMillis(1800));
             PgServerLock instanceA = new PgServerLock(bounded(slowNetwork.url(), database), Duration.ofSeconds(3), 16, 8,
                     SILENCE_LIMIT);
             PgServerLock instanceB = new PgServerLock(bounded(database.url(), database), Duration.ofMillis(500), 16, 8,
                     SILENCE_LIMIT)) {
            String[] seen = new String[1];
            try {
                instanceA.callHolding(server, hold -> {
                    boolean heldSaysA = hold.stillHeld();
                    String b;
                    try {
                        b = instanceB.callExclusively(server, () -> {
                            try {
                                return "B holds it (PG holders=" + ServerLockSessions.holding(database.dataSource(), server) + ")";
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                    } catch (RuntimeException e) {
                        b = "B refused: " + e;
                    }
                    boolean heldSaysAAfter = hold.stillHeld();
                    seen[0] = "A.stillHeld()=" + heldSaysA + " then " + heldSaysAAfter + "; " + b;
                    return null;
                });
            } catch (RuntimeException e) {
                seen[0] = (seen[0] == null ? "" : seen[0]) + " / A's hold ended " + e;
            }
            assertThat(seen[0]).startsWith("A.stillHeld()=false then false").contains("B holds it (PG holders=1)");
        }
    }
}
