package org.vpsrecovery.application.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** The shared reads of ADR 0075 without a waiting thread (ADR 0090): same sharing, answers as futures. */
class SharedListReadsWhenAnsweredTest {

    private static final ServerId WEB = new ServerId(12345);
    private static final Executor NO_BLOCKING = task -> {
        throw new AssertionError("nothing of these reads may run on the blocking executor");
    };

    /**
     * A provider that answers a list as VPS.org's reactive client does: the call returns at once and the test ends
     * each read, in order, on a thread of its choice (the read's number is the last snapshot's id).
     */
    private static class AnsweringProvider extends ListOnlyProvider {
        final BlockingQueue<CompletableFuture<List<Snapshot>>> underWay = new LinkedBlockingQueue<>();
        final List<Thread> startedOn = new ArrayList<>();
        int reads;

        @Override
        public synchronized CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(Optional<ServerId> server, Executor blocking) {
            reads++;
            startedOn.add(Thread.currentThread());
            int number = reads;
            CompletableFuture<List<Snapshot>> read = new CompletableFuture<>();
            underWay.add(read);
            return read.thenApply(listed -> {
                List<Snapshot> list = new ArrayList<>(listed);
                list.add(snapshot(number, server.orElseThrow()));
                return list;
            });
        }

        synchronized int reads() {
            return reads;
        }

        /** The read started next, ended with {@code listed} (plus its number). */
        void answerNext(List<Snapshot> listed) throws InterruptedException {
            CompletableFuture<List<Snapshot>> read = underWay.poll(30, TimeUnit.SECONDS);
            assertThat(read).as("a read under way").isNotNull();
            read.complete(listed);
        }

        void failNext(RuntimeException failure) throws InterruptedException {
            CompletableFuture<List<Snapshot>> read = underWay.poll(30, TimeUnit.SECONDS);
            assertThat(read).as("a read under way").isNotNull();
            read.completeExceptionally(failure);
        }

        @Override
        public List<Snapshot> listSnapshots(Optional<ServerId> server) {
            try {
                return listSnapshotsWhenAnswered(server, NO_BLOCKING).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
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

    private final AnsweringProvider provider = new AnsweringProvider();
    private final SharedListReads shared = new SharedListReads(provider, provider);
    private final ExecutorService otherThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        otherThread.shutdownNow();
    }

    private CompletableFuture<List<Snapshot>> list() {
        return shared.listSnapshotsWhenAnswered(Optional.of(WEB), NO_BLOCKING);
    }

    @Test
    void callersArrivingWhileAReadIsUnderWayGetAFutureAtOnceAndShareOneLaterRead() throws Exception {
        CompletableFuture<List<Snapshot>> first = list();
        List<CompletableFuture<List<Snapshot>>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            later.add(list());
        }
        // Every call came back on this thread without waiting; only the first one's read has started.
        assertThat(later).noneMatch(CompletableFuture::isDone);
        assertThat(provider.reads()).isEqualTo(1);

        // The read under way ends on another thread (the client's event loop): the next one starts there.
        otherThread.submit(() -> {
            provider.answerNext(List.of());
            return null;
        }).get(30, TimeUnit.SECONDS);
        assertThat(idOf(first)).isEqualTo(1);
        assertThat(provider.reads()).isEqualTo(2);
        assertThat(provider.startedOn.get(1)).isNotSameAs(Thread.currentThread());
        assertThat(later).noneMatch(CompletableFuture::isDone);

        provider.answerNext(List.of(snapshot(801, WEB)));
        List<Snapshot> answer = later.get(0).get(30, TimeUnit.SECONDS);
        for (CompletableFuture<List<Snapshot>> each : later) {
            // Read 2 started after all five asked; they all get its very answer, none read 1's.
            assertThat(each.get(30, TimeUnit.SECONDS)).isEqualTo(answer).extracting(s -> s.id().value())
                    .containsExactly(801L, 2L);
        }
        assertThat(provider.reads()).isEqualTo(2);
        assertThat(shared.sharedAnswers()).isEqualTo(4);
        assertThatThrownBy(() -> answer.add(snapshot(9, WEB))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aReadWaitingItsTurnStartsUnderItsOwnCallersContextNotThatOfTheReadBeforeIt() throws Exception {
        // A context as a thread-local, as a request's id is in the service: carried by the caller's work.
        ThreadLocal<String> caller = new ThreadLocal<>();
        CallersContext carried = task -> {
            String mine = caller.get();
            return () -> {
                String before = caller.get();
                caller.set(mine);
                try {
                    task.run();
                } finally {
                    caller.set(before);
                }
            };
        };
        List<String> startedUnder = new ArrayList<>();
        AnsweringProvider recording = new AnsweringProvider() {
            @Override
            public synchronized CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(Optional<ServerId> server,
                                                                                            Executor blocking) {
                startedUnder.add(caller.get());
                return super.listSnapshotsWhenAnswered(server, blocking);
            }
        };
        SharedListReads carrying = new SharedListReads(recording, recording, carried);
        try {
            caller.set("request-a");
            CompletableFuture<List<Snapshot>> first = carrying.listSnapshotsWhenAnswered(Optional.of(WEB), NO_BLOCKING);
            caller.set("request-b");
            CompletableFuture<List<Snapshot>> second = carrying.listSnapshotsWhenAnswered(Optional.of(WEB), NO_BLOCKING);

            // Request a's read ends on a thread under request a's context (as its retry would): b's starts there.
            caller.set("request-a");
            recording.answerNext(List.of());
            assertThat(idOf(first)).isEqualTo(1);
            assertThat(startedUnder).containsExactly("request-a", "request-b");
            assertThat(caller.get()).isEqualTo("request-a");
            recording.answerNext(List.of());
            assertThat(idOf(second)).isEqualTo(2);
        } finally {
            caller.remove();
        }
    }

    @Test
    void aFailedReadFailsEveryCallerWhoJoinedItWithTheTypedFailureAndIsNotKept() throws Exception {
        CompletableFuture<List<Snapshot>> first = list();
        CompletableFuture<List<Snapshot>> second = list();
        CompletableFuture<List<Snapshot>> third = list();
        provider.answerNext(List.of());
        assertThat(idOf(first)).isEqualTo(1);

        ProviderFailure failure = new ProviderFailure(ProviderFailure.Kind.TIMEOUT, "VPS.org did not answer");
        provider.failNext(failure);
        for (CompletableFuture<List<Snapshot>> answer : List.of(second, third)) {
            assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS)).cause().isSameAs(failure);
        }
        // Not kept: the next caller reads again.
        CompletableFuture<List<Snapshot>> fourth = list();
        provider.answerNext(List.of());
        assertThat(idOf(fourth)).isEqualTo(3);
    }

    @Test
    void aFailedReadUnderWayStillStartsTheReadItsLaterCallersWait() throws Exception {
        CompletableFuture<List<Snapshot>> first = list();
        CompletableFuture<List<Snapshot>> second = list();
        provider.failNext(new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE, "VPS.org is down"));
        assertThat(first).isCompletedExceptionally();
        assertThat(provider.reads()).isEqualTo(2);
        provider.answerNext(List.of());
        assertThat(idOf(second)).isEqualTo(2);
    }

    @Test
    void aSourceThatThrowsFailsItsCallerAndFreesTheList() throws Exception {
        ProviderFailure failure = new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE, "circuit open");
        SharedListReads throwing = new SharedListReads(new AnsweringProvider() {
            @Override
            public synchronized CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(Optional<ServerId> server,
                                                                                            Executor blocking) {
                throw failure;
            }
        }, provider);
        assertThatThrownBy(() -> throwing.listSnapshotsWhenAnswered(Optional.of(WEB), NO_BLOCKING).get(30, TimeUnit.SECONDS))
                .cause().isSameAs(failure);
        assertThatThrownBy(() -> throwing.listSnapshotsWhenAnswered(Optional.of(WEB), NO_BLOCKING).get(30, TimeUnit.SECONDS))
                .cause().isSameAs(failure);
    }

    @Test
    void aBlockingCallerAndAFutureShareTheSameLaterRead() throws Exception {
        CompletableFuture<List<Snapshot>> first = list();
        CompletableFuture<List<Snapshot>> joining = list();
        // A caller of the blocking list (a use case on a worker) joins the same next read and waits for it.
        Future<List<Snapshot>> blocking = otherThread.submit(() -> shared.listSnapshots(Optional.of(WEB)));
        for (int i = 0; i < 3000 && shared.sharedAnswers() < 1; i++) {
            Thread.sleep(10);
        }
        assertThat(shared.sharedAnswers()).isEqualTo(1);
        provider.answerNext(List.of());
        provider.answerNext(List.of());
        assertThat(idOf(first)).isEqualTo(1);
        assertThat(idOf(joining)).isEqualTo(2);
        assertThat(idOf(blocking)).isEqualTo(2);
        assertThat(provider.reads()).isEqualTo(2);
    }
}
