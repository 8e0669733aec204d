package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.ServerBusy;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.server.ServerId;

/**
 * What every {@link ServerLock} must do. Implementations give two lock instances over the same
 * backing store (for PostgreSQL: two service instances with their own connections).
 */
public abstract class ServerLockContract {

    /** Two locks that exclude each other as two service instances would, each waiting at most {@code maxWait}. */
    protected abstract ServerLock[] twoInstances(Duration maxWait);

    @Test
    void runsTheWorkAndReturnsItsResult() {
        ServerLock lock = twoInstances(Duration.ofSeconds(5))[0];
        assertThat(lock.callExclusively(new ServerId(1), () -> "done")).isEqualTo("done");
    }

    @Test
    void neverLetsTwoCallersIntoOneServerAtOnce() throws Exception {
        ServerLock[] instances = twoInstances(Duration.ofSeconds(30));
        ServerId server = new ServerId(42);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                ServerLock lock = instances[i % 2];
                futures.add(pool.submit(() -> lock.callExclusively(server, () -> {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    sleep(15);
                    inside.decrementAndGet();
                    return null;
                })));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxInside.get()).isEqualTo(1);
    }

    @Test
    void differentServersDoNotWaitForEachOther() throws Exception {
        ServerLock[] instances = twoInstances(Duration.ofMillis(500));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> holder = pool.submit(() -> instances[0].callExclusively(new ServerId(1), () -> {
                holding.countDown();
                await(release);
                return null;
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(instances[1].callExclusively(new ServerId(2), () -> "other server")).isEqualTo("other server");
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void givesUpWithServerBusyAfterItsBoundedWait() throws Exception {
        ServerLock[] instances = twoInstances(Duration.ofMillis(200));
        ServerId server = new ServerId(7);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> holder = pool.submit(() -> instances[0].callExclusively(server, () -> {
                holding.countDown();
                await(release);
                return null;
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> instances[1].callExclusively(server, () -> "never"))
                    .isInstanceOf(ServerBusy.class);
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
            assertThat(instances[1].callExclusively(server, () -> "after release")).isEqualTo("after release");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void releasesTheLockWhenTheWorkThrows() {
        ServerLock[] instances = twoInstances(Duration.ofMillis(500));
        ServerId server = new ServerId(9);
        assertThatThrownBy(() -> instances[0].callExclusively(server, () -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(instances[1].callExclusively(server, () -> "free again")).isEqualTo("free again");
    }

    /**
     * The holder lets go only once the waiter is seen waiting for the lock (a state, not a time), and the waiter's work
     * then runs after the holder's: a lock that turned the waiter away, or let it in beside the holder, fails here.
     */
    @Test
    void aWaiterGetsInOnceTheHolderFinishesWithinItsBound() throws Exception {
        ServerLock[] instances = twoInstances(Duration.ofSeconds(30));
        ServerId server = new ServerId(11);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean holderDone = new AtomicBoolean();
        AtomicReference<Thread> waiterThread = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> holder = pool.submit(() -> instances[0].callExclusively(server, () -> {
                holding.countDown();
                await(release);
                holderDone.set(true);
                return null;
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            Future<Boolean> waiter = pool.submit(() -> {
                waiterThread.set(Thread.currentThread());
                return instances[1].callExclusively(server, holderDone::get);
            });
            awaitState("the waiter waiting for server 11's lock", () -> waiter.isDone()
                    || waiterThread.get() != null && waiterIsWaiting(waiterThread.get(), server));
            assertThat(waiter).as("the waiter, while the holder holds").isNotDone();
            release.countDown();
            // The order, not a time: the waiter's work runs only once the holder's is done.
            assertThat(waiter.get(10, TimeUnit.SECONDS)).as("the holder had finished").isTrue();
            holder.get(10, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * Whether {@code waiter}, inside {@code callExclusively} on {@code server}, is blocked waiting for the lock (for a
     * JVM lock its thread's state; for a database lock the database's own view): what the contract waits on instead of
     * sleeping.
     */
    protected abstract boolean waiterIsWaiting(Thread waiter, ServerId server);

    /** Until {@code state} holds, looked at every 10 ms, failing after 10 s: a bounded wait on state, never a sleep. */
    public static void awaitState(String what, BooleanSupplier state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!state.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within 10 s: " + what);
            }
            sleep(10);
        }
    }

    /**
     * A change that holds several servers (a restore from another server's backup, ADR 0026) holds each of them while
     * its work runs: another instance is kept out of every one, and gets in once the change is over.
     */
    @Test
    void aChangeOnSeveralServersHoldsEachOfThemWhileItsWorkRuns() throws Exception {
        ServerLock[] instances = twoInstances(Duration.ofMillis(200));
        ServerId low = new ServerId(20);
        ServerId high = new ServerId(21);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            String outcome = instances[0].callHoldingAll(List.of(high, low, high), hold -> {
                for (ServerId server : List.of(low, high)) {
                    Future<String> kept = other.submit(() -> instances[1].callExclusively(server, () -> "let in"));
                    assertThatThrownBy(() -> kept.get(10, TimeUnit.SECONDS)).as("server " + server)
                            .hasCauseInstanceOf(ServerBusy.class);
                }
                return hold.stillHeld() ? "done" : "lost";
            });
            assertThat(outcome).isEqualTo("done");
            assertThat(other.submit(() -> instances[1].callHoldingAll(List.of(low, high), hold -> "free again"))
                    .get(10, TimeUnit.SECONDS)).isEqualTo("free again");
        } finally {
            other.shutdownNow();
        }
    }

    /**
     * Changes that hold the same two servers, named in either order, on two instances, take them in id order: none
     * waits for the other crosswise until its bound, each one runs alone.
     */
    @Test
    void changesOnTheSameTwoServersNamedInEitherOrderNeverWaitCrosswise() throws Exception {
        ServerLock[] instances = twoInstances(Duration.ofSeconds(30));
        ServerId low = new ServerId(30);
        ServerId high = new ServerId(31);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                ServerLock lock = instances[i % 2];
                List<ServerId> named = i % 4 < 2 ? List.of(low, high) : List.of(high, low);
                futures.add(pool.submit(() -> lock.callHoldingAll(named, hold -> {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    Thread.yield();
                    inside.decrementAndGet();
                    return null;
                })));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxInside.get()).isEqualTo(1);
    }

    @Test
    void aChangeNamesAtLeastOneServer() {
        ServerLock lock = twoInstances(Duration.ofSeconds(5))[0];
        assertThatThrownBy(() -> lock.callHoldingAll(List.of(), hold -> "nothing"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passesTheWorksOwnExceptionThroughUnchanged() {
        ServerLock lock = twoInstances(Duration.ofSeconds(5))[0];
        IllegalArgumentException thrown = new IllegalArgumentException("the work's own failure");
        assertThatThrownBy(() -> lock.callExclusively(new ServerId(12), () -> {
            throw thrown;
        })).isSameAs(thrown);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
