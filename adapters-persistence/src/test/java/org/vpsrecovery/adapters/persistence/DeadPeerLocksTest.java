package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import org.vpsrecovery.adapters.persistence.testing.FreezableRelay;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.adapters.persistence.teamlimit.TeamLimitedInsert;
import org.vpsrecovery.adapters.persistence.webhook.WebhookOutbox;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.ServerBusy;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * Two instances on one PostgreSQL, one of which vanishes while it holds a lock (ADR 0023, amended in session 39): its
 * connection goes through a relay that is frozen (sockets left open, no FIN reaches PostgreSQL, as after a power loss
 * or a network cut). The other instance's waits stay bounded and the dead one's locks end within the configured
 * bounds, never after the kernel's two hours; a live holder keeps its lock however long its work takes.
 */
class DeadPeerLocksTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    /** Short bounds for the test; the service's defaults are a minute and more. */
    private static final Duration SILENCE_LIMIT = Duration.ofSeconds(1);
    /**
     * A live holder's: long enough that a loaded machine's late keep-alive does not cost it its lock (session 55); the
     * dead peers' tests keep the short one, which bounds how long they wait.
     */
    private static final Duration LIVE_HOLDER_SILENCE_LIMIT = Duration.ofSeconds(3);
    /** Generous: no assertion on time, only that it ends at all. */
    private static final long CAP_SECONDS = 60;

    private static DataSource through(FreezableRelay relay, TestDatabase database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(relay.url());
        dataSource.setUser(database.user());
        dataSource.setPassword(database.password());
        return dataSource;
    }

    /** The service's session bounds, short: a lock waited for half a second, a silent transaction ended after two. */
    private static final SessionBounds BOUNDS = new SessionBounds(Duration.ofMillis(500), Duration.ofSeconds(2),
            Duration.ofSeconds(30));

    private static final Instant T0 = Instant.parse("2026-12-05T21:00:00Z");

    /** A pooled session as the service's: with the bounds, directly or through {@code relay}. */
    private static DataSource bounded(String url, TestDatabase database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        dataSource.setUser(database.user());
        dataSource.setPassword(database.password());
        dataSource.setOptions(BOUNDS.pgjdbcOptions());
        return dataSource;
    }

    private static AuditEvent completion(String request) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Completed(), OptionalInt.empty(),
                Map.of("name", "snap-" + request));
    }

    /** A lock not granted within the session's lock_timeout: nothing done, the typed "not now" of a busy database. */
    private static boolean lockNotGranted(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "55P03".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** {@code attempt} again while it fails as {@code refused} says, until it succeeds or the test gives up (the cap). */
    private static <T> T untilDone(Supplier<T> attempt, Predicate<RuntimeException> refused) throws Exception {
        AtomicBoolean givenUp = new AtomicBoolean();
        CompletableFuture<T> done = CompletableFuture.supplyAsync(() -> {
            while (!givenUp.get()) {
                try {
                    return attempt.get();
                } catch (RuntimeException e) {
                    if (!refused.test(e)) {
                        throw e;
                    }
                }
            }
            throw new IllegalStateException("given up");
        });
        try {
            return done.get(CAP_SECONDS, TimeUnit.SECONDS);
        } finally {
            givenUp.set(true);
        }
    }

    /** Until the relay froze: polled, a state, not a time. */
    private static void awaitFrozen(FreezableRelay relay) throws InterruptedException {
        for (int i = 0; i < CAP_SECONDS * 100 && !relay.frozen(); i++) {
            Thread.sleep(10);
        }
        assertThat(relay.frozen()).as("the vanishing instance got as far as the freeze").isTrue();
    }

    /**
     * The finding's case: instance A's writer took the chain head {@code FOR UPDATE} in the locked way (a batch with a
     * webhook-type event) and vanished before its insert arrived; instance B's group commit waited on the head until the
     * kernel gave A's socket up. Now each of B's tries is answered within the lock timeout (the typed lock failure, a
     * 503 on an intent's request, an outcome kept for later), and once PostgreSQL ended A's silent session B appends.
     */
    @Test
    void anAppendBehindAVanishedWritersHoldOnTheChainHeadIsAnsweredThenWrittenOnceItsSessionEnds() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        try (FreezableRelay relay = new FreezableRelay(database.url())) {
            ChainedAuditWriter vanishing = new ChainedAuditWriter(bounded(relay.url(), database),
                    new WebhookOutbox(new PlainTextWebhookFormat()));
            // The head is read FOR UPDATE and held; the batch's insert never reaches PostgreSQL.
            relay.freezeBeforeClientSends("UPDATE audit_chain_head SET last_sequence");
            Thread.ofVirtual().start(() -> {
                try {
                    vanishing.write(List.of(completion("vanishing")));
                } catch (SQLException | RuntimeException ignored) {
                    // Its session is gone by then.
                }
            });
            awaitFrozen(relay);
            GroupCommit otherInstance = new GroupCommit(new ChainedAuditWriter(bounded(database.url(), database),
                    new WebhookOutbox(new PlainTextWebhookFormat())), JdbcAuditHistory.MAX_BATCH);

            RecordedAuditEvent written = untilDone(() -> otherInstance.append(completion("other-instance")),
                    refused -> refused instanceof DatabaseFailure && lockNotGranted(refused));

            assertThat(written.sequence()).isEqualTo(1);
            assertThat(database.strings("SELECT last_sequence FROM audit_chain_head")).containsExactly("1");
        }
    }

    /** A team's advisory lock (holds, policies, webhooks: TeamLimitedInsert) held by a vanished instance, likewise. */
    @Test
    void aTeamLimitedInsertBehindAVanishedInstancesTeamLockIsAnsweredUnavailableThenStores() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        database.execute("CREATE TABLE limited (team text NOT NULL)");
        String insert = "INSERT INTO limited (team) SELECT ? WHERE (SELECT count(*) FROM limited WHERE team = ?) < ?";
        List<Object> parameters = List.of("blue", "blue", 5L);
        try (FreezableRelay relay = new FreezableRelay(database.url())) {
            relay.freezeBeforeClientSends("INSERT INTO limited");
            Thread.ofVirtual().start(() -> {
                try {
                    new TeamLimitedInsert(bounded(relay.url(), database), 7, insert)
                            .insert("blue", parameters, "could not store the row", Duration.ofSeconds(1));
                } catch (RuntimeException ignored) {
                    // Its session is gone by then.
                }
            });
            awaitFrozen(relay);
            TeamLimitedInsert otherInstance = new TeamLimitedInsert(bounded(database.url(), database), 7, insert);

            boolean stored = untilDone(() -> otherInstance.insert("blue", parameters, "could not store the row",
                    Duration.ofSeconds(1)), refused -> refused instanceof PlatformUnavailable);

            assertThat(stored).isTrue();
            assertThat(database.strings("SELECT team FROM limited")).containsExactly("blue");
        }
    }

    /** {@link ServerLockSessions#holding}, for work that may throw no checked exception. */
    private static long advisoryLocksOn(DataSource dataSource, ServerId server) {
        try {
            return ServerLockSessions.holding(dataSource, server);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code attempt} again while it is refused as busy, until it succeeds or the test gives up (the cap). */
    private static <T> T untilNotBusy(Supplier<T> attempt) throws Exception {
        AtomicBoolean givenUp = new AtomicBoolean();
        CompletableFuture<T> done = CompletableFuture.supplyAsync(() -> {
            while (!givenUp.get()) {
                try {
                    return attempt.get();
                } catch (ServerBusy busy) {
                    // Answered within its bounded wait: try again, as a caller told Retry-After would.
                }
            }
            throw new IllegalStateException("given up");
        });
        try {
            return done.get(CAP_SECONDS, TimeUnit.SECONDS);
        } finally {
            givenUp.set(true);
        }
    }

    /** What {@code call} threw, or null if it returned: run on its own thread, waited for by whoever asks. */
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

    /** As {@link #bounded}, a connection not made within two seconds given up (a pool's wait stands for it). */
    private static DataSource boundedLogin(String url, TestDatabase database) {
        PGSimpleDataSource dataSource = (PGSimpleDataSource) bounded(url, database);
        dataSource.setLoginTimeout(2);
        return dataSource;
    }

    /**
     * The database goes silent mid-statement (ADR 0023, amended in session 42): the writer's statement on the chain head
     * never reaches it and no answer comes back, the socket open. Every append used to wait for ever, the writer parked
     * on the socket and its callers parked behind it. Now the writer's connection waits for an answer at most the lock
     * timeout and a margin: both callers are answered (not written, or maybe written), the wait here only a cap.
     */
    @Test
    void appendsWhoseDatabaseWentSilentMidStatementAreAllAnswered() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        try (FreezableRelay relay = new FreezableRelay(database.url())) {
            GroupCommit appends = new GroupCommit(new ChainedAuditWriter(boundedLogin(relay.url(), database),
                    new WebhookOutbox(new PlainTextWebhookFormat()), BOUNDS.lockTimeout(), Duration.ofSeconds(1)),
                    JdbcAuditHistory.MAX_BATCH);
            relay.freezeBeforeClientSends("audit_chain_head");

            CompletableFuture<Throwable> first = answerOf(() -> appends.append(completion("first")));
            awaitFrozen(relay);
            CompletableFuture<Throwable> second = answerOf(() -> appends.append(completion("second")));

            assertThat(first.get(CAP_SECONDS, TimeUnit.SECONDS)).isInstanceOf(DatabaseFailure.class)
                    .hasRootCauseInstanceOf(SocketTimeoutException.class);
            assertThat(second.get(CAP_SECONDS, TimeUnit.SECONDS)).isInstanceOf(DatabaseFailure.class);
        }
    }

    /**
     * The lock's own statement sent to a database gone silent (ADR 0023, amended in session 42): its network timeout was
     * set only after the lock was granted, so the caller waited for ever. Now it is set before: "could not lock, nothing
     * was done", the domain's unavailable (503 with Retry-After).
     */
    @Test
    void aServerLockAskedOfADatabaseGoneSilentIsAnsweredUnavailable() throws Exception {
        TestDatabase database = DATABASE.database();
        try (FreezableRelay relay = new FreezableRelay(database.url())) {
            PgServerLock lock = new PgServerLock(boundedLogin(relay.url(), database), Duration.ofMillis(500), 16, 8,
                    SILENCE_LIMIT);
            relay.freezeBeforeClientSends("pg_advisory_xact_lock");

            Throwable answer = answerOf(() -> lock.callExclusively(new ServerId(39_002), () -> "locked"))
                    .get(CAP_SECONDS, TimeUnit.SECONDS);

            assertThat(relay.frozen()).isTrue();
            assertThat(answer).isInstanceOf(PlatformUnavailable.class).hasRootCauseInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void aServerLockWhoseHoldersConnectionFrozeEndsAndAnotherInstanceLocksTheServer() throws Exception {
        TestDatabase database = DATABASE.database();
        ServerId server = new ServerId(39_001);
        try (FreezableRelay relay = new FreezableRelay(database.url());
             PgServerLock vanishing = new PgServerLock(through(relay, database), Duration.ofSeconds(1), 16, 8,
                     SILENCE_LIMIT);
             PgServerLock other = new PgServerLock(database.dataSource(), Duration.ofMillis(500), 16, 8,
                     SILENCE_LIMIT)) {
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch testDone = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try {
                    vanishing.callExclusively(server, () -> {
                        // The instance vanishes while it holds the server, in the middle of a VPS.org call.
                        relay.freeze();
                        locked.countDown();
                        awaitQuietly(testDone);
                        return null;
                    });
                } catch (RuntimeException ignored) {
                    // Its session is gone by then: whatever it says no longer matters.
                }
            });
            try {
                assertThat(locked.await(CAP_SECONDS, TimeUnit.SECONDS)).isTrue();
                assertThatThrownBy(() -> other.callExclusively(server, () -> "not yet"))
                        .isInstanceOf(ServerBusy.class);

                assertThat(untilNotBusy(() -> other.callExclusively(server, () -> "the server is free again")))
                        .isEqualTo("the server is free again");
            } finally {
                testDone.countDown();
            }
        }
    }

    /**
     * A DBA's {@code idle_in_transaction_session_timeout} shorter than a hold, and work three times longer than the
     * lock's own silence limit (a slow VPS.org call): the holder keeps its lock throughout.
     */
    @Test
    void aLiveHolderKeepsItsLockThroughWorkLongerThanTheSilenceLimitsAndADatabasesShorterTimeout() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        database.execute("ALTER DATABASE " + database.name() + " SET idle_in_transaction_session_timeout = '300ms'");
        ServerId server = new ServerId(39_002);
        try (PgServerLock holder = new PgServerLock(database.dataSource(), Duration.ofSeconds(1), 16, 8,
                     LIVE_HOLDER_SILENCE_LIMIT);
             PgServerLock other = new PgServerLock(database.dataSource(), Duration.ofMillis(200), 16, 8,
                     LIVE_HOLDER_SILENCE_LIMIT)) {
            String result = holder.callExclusively(server, () -> {
                try {
                    Thread.sleep(LIVE_HOLDER_SILENCE_LIMIT.multipliedBy(3).toMillis());
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                assertThat(advisoryLocksOn(database.dataSource(), server)).isEqualTo(1);
                assertThatThrownBy(() -> other.callExclusively(server, () -> "beside the holder"))
                        .isInstanceOf(ServerBusy.class);
                return "held throughout";
            });

            assertThat(result).isEqualTo("held throughout");
            assertThat(other.callExclusively(server, () -> "free after")).isEqualTo("free after");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
