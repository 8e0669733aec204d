package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.server.ServerId;

/**
 * A restore of server B from server A's backup holds both servers (ADR 0026). Held as nested holds, each took one of
 * the instance's lock-connection permits while the outer one was held: with one permit such a change on an idle
 * instance waited out its whole wait and failed "at capacity", every time (found in session 45's review). Held as one
 * change (ADR 0023, amended in session 45), it needs one permit as a one-server change does.
 */
class TwoServerLockPermitsTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static HikariDataSource pool(int size) {
        HikariConfig config = DATABASE.database().poolOf(size);
        config.setConnectionTimeout(1000);
        return new HikariDataSource(config);
    }

    /** vpsr.server-lock.max-connections 1, or a pool of 7 (the sizing rule's N + 6 for N = 1): an idle instance. */
    @Test
    void aTwoServerChangeOnAnIdleInstanceWithOneLockConnection() throws Exception {
        try (HikariDataSource pool = pool(4)) {
            PgServerLock lock = new PgServerLock(pool, Duration.ofMillis(500), 8, 1);
            try {
                // Given the higher id first: taken in id order all the same, both held while the work runs.
                String outcome = outcomeOf(() -> lock.callHoldingAll(List.of(new ServerId(6102), new ServerId(6101)),
                        hold -> heldBoth(pool, 6101, 6102) && hold.stillHeld() ? "restored" : "not both held"));
                assertThat(outcome).isEqualTo("restored");
                assertThat(ServerLockSessions.holding(pool, new ServerId(6101))
                        + ServerLockSessions.holding(pool, new ServerId(6102))).as("both released").isZero();
            } finally {
                lock.close();
            }
        }
    }

    /**
     * The second server held by another instance past the wait: busy, naming it, and the first server's lock, taken in
     * the same transaction, ends with it; the one lock connection is free for the next change.
     */
    @Test
    void aTwoServerChangeWhoseSecondServerIsHeldElsewhereIsBusyAndKeepsNothing() throws Exception {
        try (HikariDataSource pool = pool(4)) {
            PgServerLock lock = new PgServerLock(pool, Duration.ofMillis(300), 8, 1);
            PgServerLock otherInstance = new PgServerLock(DATABASE.dataSource(), Duration.ofSeconds(5));
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService elsewhere = Executors.newSingleThreadExecutor();
            try {
                Future<?> holder = elsewhere.submit(() -> otherInstance.callExclusively(new ServerId(6402), () -> {
                    holding.countDown();
                    return awaited(release);
                }));
                assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

                String outcome = outcomeOf(() -> lock.callHoldingAll(List.of(new ServerId(6401), new ServerId(6402)),
                        hold -> "restored"));

                assertThat(outcome).startsWith("ServerBusy: server 6402 is busy");
                assertThat(ServerLockSessions.holding(pool, new ServerId(6401))).as("the first one's lock ended").isZero();
                assertThat(lock.callExclusively(new ServerId(6401), () -> "next change")).isEqualTo("next change");
                release.countDown();
                holder.get(10, TimeUnit.SECONDS);
            } finally {
                release.countDown();
                elsewhere.shutdownNow();
                otherInstance.close();
                lock.close();
            }
        }
    }

    /**
     * The locks are keyed by the folded id ({@code id ^ id >>> 32}): server 2^32 shares server 1's key. A change on
     * servers 2 and 2^32 takes them in key order (1, then 2), as a change on 1 and 2 does, so two such changes never wait
     * crosswise until both are refused busy. In id order it took key 2 first (review of session 45): here, while it
     * waits for server 2, it must already hold key 1.
     */
    @Test
    void twoChangesWhoseServersFoldOntoCrossedKeysDoNotWaitForEachOther() throws Exception {
        ServerId two = new ServerId(2);
        ServerId foldsOntoOne = new ServerId(1L << 32);
        assertThat(PgServerLock.lockKey(foldsOntoOne)).isEqualTo(PgServerLock.lockKey(new ServerId(1)));
        try (HikariDataSource pool = pool(4)) {
            PgServerLock lock = new PgServerLock(pool, Duration.ofSeconds(10), 8, 1);
            PgServerLock otherInstance = new PgServerLock(DATABASE.dataSource(), Duration.ofSeconds(10));
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                Future<?> holder = threads.submit(() -> otherInstance.callExclusively(two, () -> {
                    holding.countDown();
                    return awaited(release);
                }));
                assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
                Future<String> change = threads.submit(() -> outcomeOf(() -> lock.callHoldingAll(
                        List.of(two, foldsOntoOne), hold -> "restored")));
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (ServerLockSessions.waiting(pool, two) == 0 && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                assertThat(ServerLockSessions.waiting(pool, two)).as("the change waits for server 2").isEqualTo(1);

                assertThat(ServerLockSessions.holding(pool, new ServerId(1))).as("key 1 taken first").isEqualTo(1);
                release.countDown();
                assertThat(change.get(15, TimeUnit.SECONDS)).isEqualTo("restored");
                holder.get(10, TimeUnit.SECONDS);
            } finally {
                release.countDown();
                threads.shutdownNow();
                otherInstance.close();
                lock.close();
            }
        }
    }

    /** Two lock connections, two two-server changes on four different idle servers at once. */
    @Test
    void twoTwoServerChangesOnDisjointServersWithTwoLockConnections() throws Exception {
        try (HikariDataSource pool = pool(6)) {
            PgServerLock lock = new PgServerLock(pool, Duration.ofMillis(1000), 8, 2);
            CyclicBarrier bothHold = new CyclicBarrier(2);
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                Future<String> first = two.submit(() -> twoServers(lock, 6201, 6202, bothHold));
                Future<String> second = two.submit(() -> twoServers(lock, 6301, 6302, bothHold));
                assertThat(first.get(10, TimeUnit.SECONDS) + " | " + second.get(10, TimeUnit.SECONDS))
                        .isEqualTo("restored | restored");
            } finally {
                two.shutdownNow();
                lock.close();
            }
        }
    }

    private static boolean heldBoth(HikariDataSource pool, long low, long high) {
        try {
            return ServerLockSessions.holding(pool, new ServerId(low)) == 1
                    && ServerLockSessions.holding(pool, new ServerId(high)) == 1;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String twoServers(PgServerLock lock, long low, long high, CyclicBarrier barrier) {
        return outcomeOf(() -> lock.callHoldingAll(List.of(new ServerId(low), new ServerId(high)), hold -> {
            try {
                // Both changes hold their servers at once: neither waits for the other's permit.
                barrier.await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return "restored";
        }));
    }

    private static boolean awaited(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String outcomeOf(java.util.function.Supplier<String> change) {
        try {
            return change.get();
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
