package org.vpsrecovery.application.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** Up to two reads of one list under way at once (ADR 0110), each answer still from a read started after its caller asked. */
class SharedListReadsSideBySideTest {

    private static final ServerId WEB = new ServerId(12345);
    private static final Executor NO_BLOCKING = task -> {
        throw new AssertionError("nothing of these reads may run on the blocking executor");
    };

    /** Reads that return at once and that the test ends one by one, by number (the last snapshot's id). */
    private static final class NumberedReads extends ListOnlyProvider {
        final Map<Integer, CompletableFuture<List<Snapshot>>> underWay = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(Optional<ServerId> server, Executor blocking) {
            int number = reads.incrementAndGet();
            CompletableFuture<List<Snapshot>> read = new CompletableFuture<>();
            underWay.put(number, read);
            return read.thenApply(listed -> List.of(snapshot(number, server.orElseThrow())));
        }

        @Override
        public List<Snapshot> listSnapshots(Optional<ServerId> server) {
            return listSnapshotsWhenAnswered(server, NO_BLOCKING).join();
        }

        void answer(int number) {
            assertThat(underWay).as("read %d under way", number).containsKey(number);
            underWay.remove(number).complete(List.of());
        }

        void fail(int number, RuntimeException failure) {
            assertThat(underWay).as("read %d under way", number).containsKey(number);
            underWay.remove(number).completeExceptionally(failure);
        }
    }

    private static Snapshot snapshot(long id, ServerId server) {
        return new Snapshot(new SnapshotId(id), new ServerRef(server, "web"), "s-" + id, CreationStatus.COMPLETED,
                OptionalLong.empty(), Instant.parse("2026-12-02T00:00:00Z"), "");
    }

    private static long idOf(Future<List<Snapshot>> answer) throws Exception {
        List<Snapshot> list = answer.get(30, TimeUnit.SECONDS);
        return list.get(list.size() - 1).id().value();
    }

    private final NumberedReads provider = new NumberedReads();
    private final SharedListReads shared = new SharedListReads(provider, provider, 2);
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    private CompletableFuture<List<Snapshot>> list() {
        return shared.listSnapshotsWhenAnswered(Optional.of(WEB), NO_BLOCKING);
    }

    @Test
    void aCallerArrivingWhileOneReadIsUnderWayStartsItsOwnAtOnce() throws Exception {
        CompletableFuture<List<Snapshot>> first = list();
        CompletableFuture<List<Snapshot>> second = list();
        assertThat(provider.reads).hasValue(2);
        // The second read may end first: each caller gets its own read.
        provider.answer(2);
        assertThat(idOf(second)).isEqualTo(2);
        assertThat(first).isNotDone();
        provider.answer(1);
        assertThat(idOf(first)).isEqualTo(1);
        assertThat(shared.sharedAnswers()).isZero();
    }

    @Test
    void callersArrivingWhileTwoAreUnderWayShareTheNextReadStartedWhenEitherEnds() throws Exception {
        CompletableFuture<List<Snapshot>> first = list();
        CompletableFuture<List<Snapshot>> second = list();
        List<CompletableFuture<List<Snapshot>>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            later.add(list());
        }
        // Both reads under way started before the five asked: none of the five gets either; no third read yet.
        assertThat(provider.reads).hasValue(2);
        provider.answer(2);
        assertThat(idOf(second)).isEqualTo(2);
        assertThat(provider.reads).as("the next read starts when one under way ends").hasValue(3);
        assertThat(later).noneMatch(CompletableFuture::isDone);

        // A caller arriving now (reads 1 and 3 under way) waits for a fourth read, not read 3 that started before it.
        CompletableFuture<List<Snapshot>> latest = list();
        provider.answer(3);
        for (CompletableFuture<List<Snapshot>> each : later) {
            assertThat(idOf(each)).isEqualTo(3);
        }
        assertThat(provider.reads).hasValue(4);
        assertThat(latest).isNotDone();
        provider.answer(1);
        provider.answer(4);
        assertThat(idOf(first)).isEqualTo(1);
        assertThat(idOf(latest)).isEqualTo(4);
        assertThat(provider.reads).hasValue(4);
        assertThat(shared.sharedAnswers()).isEqualTo(4);
    }

    @Test
    void aFailedReadStartsTheNextAndFailsOnlyItsOwnCallersTyped() throws Exception {
        CompletableFuture<List<Snapshot>> first = list();
        CompletableFuture<List<Snapshot>> second = list();
        CompletableFuture<List<Snapshot>> third = list();
        CompletableFuture<List<Snapshot>> fourth = list();
        ProviderFailure failure = new ProviderFailure(ProviderFailure.Kind.TIMEOUT, "VPS.org did not answer");
        provider.answer(1);
        provider.fail(3, failure);
        for (CompletableFuture<List<Snapshot>> answer : List.of(third, fourth)) {
            assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS)).cause().isSameAs(failure);
        }
        assertThat(idOf(first)).isEqualTo(1);
        assertThat(second).isNotDone();
        // Not kept: the next caller reads again, at once (one read under way).
        CompletableFuture<List<Snapshot>> fifth = list();
        assertThat(provider.reads).hasValue(4);
        provider.answer(4);
        provider.answer(2);
        assertThat(idOf(fifth)).isEqualTo(4);
        assertThat(idOf(second)).isEqualTo(2);
    }

    @Test
    void aBlockingCallerWaitsForAPlaceAndSharesTheNextReadWithFutures() throws Exception {
        CompletableFuture<List<Snapshot>> first = list();
        CompletableFuture<List<Snapshot>> second = list();
        CompletableFuture<List<Snapshot>> third = list();
        Future<List<Snapshot>> blocking = callers.submit(() -> shared.listSnapshots(Optional.of(WEB)));
        for (int i = 0; i < 3000 && shared.sharedAnswers() < 1; i++) {
            Thread.sleep(10);
        }
        assertThat(shared.sharedAnswers()).isEqualTo(1);
        provider.answer(1);
        provider.answer(3);
        assertThat(idOf(third)).isEqualTo(3);
        assertThat(idOf(blocking)).isEqualTo(3);
        provider.answer(2);
        assertThat(List.of(idOf(first), idOf(second))).containsExactly(1L, 2L);
    }

    /** Blocking reads answering with their number, counted when they start; how many run at once is kept. */
    private static final class CountedReads extends ListOnlyProvider {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();

        @Override
        public List<Snapshot> listSnapshots(Optional<ServerId> server) {
            int number = started.incrementAndGet();
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.yield();
            running.decrementAndGet();
            return List.of(snapshot(number, WEB));
        }
    }

    @Test
    void manyCallersAtOnceEachGetAReadThatStartedAfterTheyAskedNeverMoreThanTwoAtOnce() throws Exception {
        CountedReads counted = new CountedReads();
        SharedListReads reads = new SharedListReads(counted, counted, 2);
        AtomicInteger calls = new AtomicInteger();
        Map<Integer, Long> staleAnswers = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            int caller = i;
            all.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int round = 0; round < 200; round++) {
                    int startedBefore = counted.started.get();
                    long read = reads.listSnapshots(Optional.of(WEB)).get(0).id().value();
                    calls.incrementAndGet();
                    if (read <= startedBefore) {
                        staleAnswers.put(caller, read);
                    }
                }
            }, callers));
        }
        go.countDown();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(calls).hasValue(32 * 200);
        assertThat(staleAnswers).as("callers answered with a read that started before they asked").isEmpty();
        assertThat(counted.mostAtOnce.get()).isBetween(1, 2);
    }

    @Test
    void fewerThanOneReadAtOnceIsRefused() {
        assertThatThrownBy(() -> new SharedListReads(provider, provider, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
