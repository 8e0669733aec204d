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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;

class SharedListReadsTest {

    private static final ServerId WEB = new ServerId(12345);
    private static final ServerId DB = new ServerId(12346);

    /** A provider whose list reads each wait for the test's go, and answer with their own number as the snapshot id. */
    private static final class GatedProvider extends ListOnlyProvider {
        final AtomicInteger reads = new AtomicInteger();
        final BlockingQueue<ServerId> started = new LinkedBlockingQueue<>();
        final BlockingQueue<Supplier<List<Snapshot>>> answers = new LinkedBlockingQueue<>();
        final AtomicInteger changes = new AtomicInteger();

        @Override
        public List<Snapshot> listSnapshots(Optional<ServerId> server) {
            int number = reads.incrementAndGet();
            started.add(server.orElseThrow());
            try {
                Supplier<List<Snapshot>> answer = answers.poll(30, TimeUnit.SECONDS);
                if (answer == null) {
                    throw new AssertionError("the test never answered read " + number);
                }
                List<Snapshot> list = new ArrayList<>(answer.get());
                list.add(snapshot(number, server.orElseThrow()));
                return list;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Snapshot createSnapshot(SnapshotDraft draft) {
            changes.incrementAndGet();
            return snapshot(1, draft.server());
        }

        @Override
        public void deleteSnapshot(SnapshotId snapshot) {
            changes.incrementAndGet();
        }

        @Override
        public List<Backup> listBackups(Optional<ServerId> server, Optional<BackupType.Kind> type) {
            reads.incrementAndGet();
            return List.of();
        }

        @Override
        public void deleteBackup(BackupId backup) {
            changes.incrementAndGet();
        }
    }

    /** VPS.org ignoring {@code server_id}: every server-filtered list, each way it is read, holds only the asked server's. */
    @Test
    void aServersListsHoldOnlyItsPointsThoughVpsOrgIgnoresTheServerFilter() throws Exception {
        Backup webs = new Backup(new BackupId(1), new ServerRef(WEB, "web"), BackupType.MANUAL, CreationStatus.COMPLETED,
                OptionalLong.empty(), Instant.parse("2026-12-02T00:00:00Z"), Optional.empty(), "");
        Backup dbs = new Backup(new BackupId(2), new ServerRef(DB, "db"), BackupType.MANUAL, CreationStatus.COMPLETED,
                OptionalLong.empty(), Instant.parse("2026-12-02T00:00:00Z"), Optional.empty(), "");
        var ignoringTheFilter = new ListOnlyProvider() {
            @Override
            public List<Snapshot> listSnapshots(Optional<ServerId> server) {
                return List.of(snapshot(1, WEB), snapshot(2, DB));
            }

            @Override
            public List<Backup> listBackups(Optional<ServerId> server, Optional<BackupType.Kind> type) {
                return List.of(webs, dbs);
            }
        };
        // As the composition root builds it: the shared reads over what holds the answers to the asked server.
        var asked = new ProviderAnswersOnTheAskedServer(ignoringTheFilter, ignoringTheFilter);
        SharedListReads shared = new SharedListReads(asked, asked);
        var jobs = org.vpsrecovery.domain.port.ConsistentListBound.eachReadItsOwnDeadline();

        assertThat(shared.listSnapshots(Optional.of(DB))).extracting(Snapshot::id).containsExactly(new SnapshotId(2));
        assertThat(shared.listSnapshotsWhenAnswered(Optional.of(DB), Runnable::run).get(30, TimeUnit.SECONDS))
                .extracting(Snapshot::id).containsExactly(new SnapshotId(2));
        assertThat(shared.listSnapshotsConsistently(Optional.of(DB), jobs)).extracting(Snapshot::id)
                .containsExactly(new SnapshotId(2));
        assertThat(shared.listBackups(Optional.of(WEB), Optional.empty())).containsExactly(webs);
        assertThat(shared.listBackupsConsistently(Optional.of(WEB), Optional.empty(), jobs)).containsExactly(webs);
        // The account's list asks for no server: all of it.
        assertThat(shared.listSnapshots(Optional.empty())).hasSize(2);
    }

    private static Snapshot snapshot(long id, ServerId server) {
        return new Snapshot(new SnapshotId(id), new ServerRef(server, "web"), "s-" + id, CreationStatus.COMPLETED,
                OptionalLong.empty(), Instant.parse("2026-12-02T00:00:00Z"), "");
    }

    private final GatedProvider provider = new GatedProvider();
    private final SharedListReads shared = new SharedListReads(provider, provider);
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final List<Thread> waiting = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    /** A caller on its own thread; its thread is remembered, to see it wait. */
    private Future<List<Snapshot>> list(ServerId server) {
        return callers.submit(() -> {
            waiting.add(Thread.currentThread());
            return shared.listSnapshots(Optional.of(server));
        });
    }

    private void untilWaiting(int callers) throws InterruptedException {
        for (int i = 0; i < 3000 && waiting.stream().filter(t -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING).count() < callers; i++) {
            Thread.sleep(10);
        }
    }

    private static long idOf(Future<List<Snapshot>> answer) throws Exception {
        List<Snapshot> list = answer.get(30, TimeUnit.SECONDS);
        return list.get(list.size() - 1).id().value();
    }

    @Test
    void callersArrivingWhileAReadIsUnderWayShareOneLaterRead() throws Exception {
        Future<List<Snapshot>> first = list(WEB);
        assertThat(provider.started.poll(30, TimeUnit.SECONDS)).isEqualTo(WEB);

        List<Future<List<Snapshot>>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            later.add(list(WEB));
        }
        // The first read's thread waits for its answer, the five for the read under way and then the next one.
        untilWaiting(6);
        assertThat(provider.reads).hasValue(1);

        provider.answers.add(List::of);
        assertThat(idOf(first)).isEqualTo(1);
        assertThat(provider.started.poll(30, TimeUnit.SECONDS)).isEqualTo(WEB);
        provider.answers.add(List::of);
        for (Future<List<Snapshot>> answer : later) {
            // Read 2 started after all five arrived; none of them got read 1, which started before them.
            assertThat(idOf(answer)).isEqualTo(2);
        }
        assertThat(provider.reads).hasValue(2);
        // One of the five made read 2; four were answered by it.
        assertThat(shared.sharedAnswers()).isEqualTo(4);
    }

    @Test
    void aCallerAloneReadsAtOnceAndEveryCallReadsAgain() throws Exception {
        provider.answers.add(List::of);
        provider.answers.add(List::of);
        assertThat(shared.listSnapshots(Optional.of(WEB))).extracting(s -> s.id().value()).containsExactly(1L);
        assertThat(shared.listSnapshots(Optional.of(WEB))).extracting(s -> s.id().value()).containsExactly(2L);
        assertThat(provider.reads).hasValue(2);
    }

    @Test
    void differentListsAreReadSideBySide() throws Exception {
        Future<List<Snapshot>> web = list(WEB);
        Future<List<Snapshot>> db = list(DB);
        assertThat(List.of(provider.started.poll(30, TimeUnit.SECONDS), provider.started.poll(30, TimeUnit.SECONDS)))
                .containsExactlyInAnyOrder(WEB, DB);
        provider.answers.add(List::of);
        provider.answers.add(List::of);
        assertThat(List.of(idOf(web), idOf(db))).containsExactlyInAnyOrder(1L, 2L);
    }

    @Test
    void aFailedReadFailsEveryCallerWhoSharedItTypedAndIsNotKept() throws Exception {
        Future<List<Snapshot>> first = list(WEB);
        provider.started.poll(30, TimeUnit.SECONDS);
        Future<List<Snapshot>> second = list(WEB);
        Future<List<Snapshot>> third = list(WEB);
        untilWaiting(3);
        provider.answers.add(List::of);
        idOf(first);
        provider.started.poll(30, TimeUnit.SECONDS);
        ProviderFailure failure = new ProviderFailure(ProviderFailure.Kind.TIMEOUT, "VPS.org did not answer");
        provider.answers.add(() -> {
            throw failure;
        });
        for (Future<List<Snapshot>> answer : List.of(second, third)) {
            assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS)).cause().isSameAs(failure);
        }
        // The failure is not an answer kept for later callers.
        provider.answers.add(List::of);
        assertThat(shared.listSnapshots(Optional.of(WEB))).extracting(s -> s.id().value()).containsExactly(3L);
    }

    @Test
    void aSharedListCannotBeChangedByOneOfItsReaders() {
        provider.answers.add(List::of);
        List<Snapshot> list = shared.listSnapshots(Optional.of(WEB));
        assertThatThrownBy(() -> list.add(snapshot(9, WEB))).isInstanceOf(UnsupportedOperationException.class);
    }

    /** Answers each read with its number, counted when it starts. */
    private static final class NumberedReads extends ListOnlyProvider {
        final AtomicInteger started = new AtomicInteger();

        @Override
        public List<Snapshot> listSnapshots(Optional<ServerId> server) {
            int number = started.incrementAndGet();
            Thread.yield();
            return List.of(snapshot(number, WEB));
        }
    }

    @Test
    void manyCallersAtOnceEachGetAReadThatStartedAfterTheyAsked() throws Exception {
        NumberedReads numbered = new NumberedReads();
        SharedListReads reads = new SharedListReads(numbered, provider);
        AtomicInteger calls = new AtomicInteger();
        ConcurrentHashMap<Integer, Long> staleAnswers = new ConcurrentHashMap<>();
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
                    int startedBefore = numbered.started.get();
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
    }

    @Test
    void changesAndBackupListsGoThroughEachCallOnce() {
        shared.createSnapshot(new SnapshotDraft(WEB, new SnapshotName("s-1"), Optional.empty()));
        shared.deleteSnapshot(new SnapshotId(1));
        shared.deleteBackup(new BackupId(2));
        assertThat(provider.changes).hasValue(3);
        assertThat(shared.listBackups(Optional.of(WEB), Optional.empty())).isEmpty();
        assertThat(shared.listBackups(Optional.of(WEB), Optional.of(BackupType.Kind.MANUAL))).isEmpty();
        assertThat(provider.reads).hasValue(2);
    }
}
