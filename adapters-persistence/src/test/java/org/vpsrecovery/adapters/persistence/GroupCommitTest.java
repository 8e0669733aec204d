package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.adapters.persistence.webhook.WebhookOutbox;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * Group commit against a real PostgreSQL: concurrent callers share transactions, two writers (two
 * service instances) keep one chain, and a batch that fails fails every one of its callers.
 * The chain head's row lock, held by another session, makes the callers queue up deterministically.
 */
class GroupCommitTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

    /** A group commit over the real chained writer, noting the size of every batch it writes. */
    private record RecordingWriter(GroupCommit appends, List<Integer> batches) {
        static RecordingWriter on(DataSource dataSource) {
            return on(dataSource, LockSupport::unpark);
        }

        static RecordingWriter on(DataSource dataSource, Consumer<Thread> wake) {
            return on(dataSource, wake, Thread::yield);
        }

        static RecordingWriter on(DataSource dataSource, Consumer<Thread> wake, Runnable letOthersRunFirst) {
            ChainedAuditWriter chained = new ChainedAuditWriter(dataSource, new WebhookOutbox(new PlainTextWebhookFormat()));
            List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
            return new RecordingWriter(new GroupCommit(new GroupCommit.BatchWriter() {
                @Override
                public List<RecordedAuditEvent> write(List<AuditEvent> batch) throws SQLException {
                    return write(batch, List::of);
                }

                @Override
                public List<RecordedAuditEvent> write(List<AuditEvent> batch, Supplier<List<AuditEvent>> latecomers)
                        throws SQLException {
                    // One writer thread at a time: the batch's size is its last entry, latecomers included once taken.
                    batches.add(batch.size());
                    int index = batches.size() - 1;
                    return chained.write(batch, () -> {
                        List<AuditEvent> more = latecomers.get();
                        batches.set(index, batch.size() + more.size());
                        return more;
                    });
                }
            }, JdbcAuditHistory.MAX_BATCH, wake, letOthersRunFirst), batches);
        }
    }

    /**
     * Wakes parked callers as a scheduler would, but only the threads the test lets run: the others' wakes are held
     * until {@link #open} (a caller woken, not yet run again) or {@link #openAll}.
     */
    private static final class HeldWakes implements Consumer<Thread> {
        private final Set<Thread> open = new HashSet<>();
        private final Set<Thread> held = new HashSet<>();
        private boolean allOpen;

        @Override
        public synchronized void accept(Thread caller) {
            if (allOpen || open.contains(caller)) {
                LockSupport.unpark(caller);
            } else {
                held.add(caller);
            }
        }

        synchronized void open(Thread caller) {
            open.add(caller);
            if (held.remove(caller)) {
                LockSupport.unpark(caller);
            }
        }

        synchronized void openAll() {
            allOpen = true;
            held.forEach(LockSupport::unpark);
            held.clear();
        }
    }

    /** How many transactions wrote the chain's events (distinct xmin). */
    private static long transactionsThatWroteEvents(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(DISTINCT xmin::text) FROM audit_event")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static AuditEvent event(String request) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(),
                Map.of("name", "snap-" + request));
    }

    /** Another session holding the chain head's row lock, as a writer of another instance would. */
    private static Connection holdTheChainHead(DataSource dataSource) throws SQLException {
        Connection holder = dataSource.getConnection();
        holder.setAutoCommit(false);
        try (Statement statement = holder.createStatement()) {
            statement.executeQuery("SELECT 1 FROM audit_chain_head WHERE id = 1 FOR UPDATE").close();
        }
        return holder;
    }

    private static int writersWaitingOnTheHead(Connection observer) throws SQLException {
        try (Statement statement = observer.createStatement(); ResultSet rs = statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        + " AND query LIKE '%audit_chain_head%FOR UPDATE%' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A lone first event whose batch of one waits for the chain head's lock, then {@code queued} callers behind it. */
    private static List<Future<RecordedAuditEvent>> queueBehindABatchOfOneWaiting(RecordingWriter writer,
            ExecutorService pool, Connection observer, int queued) throws InterruptedException {
        List<Future<RecordedAuditEvent>> results = new ArrayList<>();
        results.add(pool.submit(() -> writer.appends().append(event("first"))));
        awaitTrue(writersWaiting(observer, 1), "the first batch waits on the chain head");
        for (int i = 0; i < queued; i++) {
            String request = "queued-" + i;
            results.add(pool.submit(() -> writer.appends().append(event(request))));
        }
        awaitTrue(() -> writer.appends().waiting() == queued, queued + " events are queued");
        return results;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    private static BooleanSupplier writersWaiting(Connection observer, int expected) {
        return () -> {
            try {
                return writersWaitingOnTheHead(observer) == expected;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /**
     * A second end of an attempt refused by V56's index is told as {@link AttemptAlreadyEnded} whatever the server's
     * {@code lc_messages} (ADR 0142): the index's name, not the English quotes around it.
     */
    @Test
    void aSecondEndRefusedByTheIndexIsTheTypedRefusalInAnyLanguage() {
        GroupCommit german = new GroupCommit(batch -> {
            throw new SQLException("FEHLER: doppelter Schlüsselwert verletzt Unique-Constraint »audit_event_final_outcome_attempt«",
                    "23505");
        }, JdbcAuditHistory.MAX_BATCH);
        AuditEvent end = new AuditEvent(T0, new TeamId("blue"), new RequestId("r-1"), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(12345)), Optional.empty(), new Outcome.Completed(), OptionalInt.empty(),
                Map.of(AuditEvent.ATTEMPT_ID, "attempt-1"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> german.append(end))
                .isInstanceOf(org.vpsrecovery.domain.port.AttemptAlreadyEnded.class);
    }

    @Test
    void manyThreadsThroughTwoWritersShareTransactionsAndKeepOneChain() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        RecordingWriter first = RecordingWriter.on(database.dataSource());
        RecordingWriter second = RecordingWriter.on(database.dataSource());
        int threads = 16;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<RecordedAuditEvent> written = Collections.synchronizedList(new ArrayList<>());
        try (Connection holder = holdTheChainHead(database.dataSource());
             Connection observer = database.dataSource().getConnection()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                GroupCommit appends = (t % 2 == 0 ? first : second).appends();
                int thread = t;
                clients.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        written.add(appends.append(event("t" + thread + "-" + i)));
                    }
                    return null;
                }));
            }
            // One writer per instance waits on the head row; every other thread's first event queues behind it.
            awaitTrue(writersWaiting(observer, 2), "both instances' writers wait on the chain head");
            // Every thread's first event is in a waiting batch or queued behind one.
            awaitTrue(() -> first.appends().waiting() + second.appends().waiting() + sum(first.batches())
                    + sum(second.batches()) == threads, "every thread's first event is queued or in a waiting batch");
            holder.rollback();
            for (Future<?> client : clients) {
                client.get();
            }
        } finally {
            pool.shutdownNow();
        }

        int total = threads * perThread;
        assertThat(written).extracting(RecordedAuditEvent::sequence)
                .containsExactlyInAnyOrder(LongStream.rangeClosed(1, total).boxed().toArray(Long[]::new));
        // Each caller got its own event back, stored once.
        assertThat(written).extracting(r -> r.event().requestId().value()).doesNotHaveDuplicates().hasSize(total);
        List<Integer> batches = new ArrayList<>(first.batches());
        batches.addAll(second.batches());
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
        // The queued callers were written together, in fewer transactions than events.
        assertThat(batches).anyMatch(size -> size >= threads / 4);
        assertThat(batches.size()).isLessThan(total);

        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(total);
    }

    @Test
    void callersQueuedWhileTheWriterWaitsForAnotherInstancesHoldOnTheHeadJoinItsBatch() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        RecordingWriter writer = RecordingWriter.on(database.dataSource());
        int queued = 3;
        ExecutorService pool = Executors.newFixedThreadPool(queued + 1);
        try (Connection holder = holdTheChainHead(database.dataSource());
             Connection observer = database.dataSource().getConnection()) {
            // A lone first event waits for the head's lock, held by another instance, while three more callers queue.
            List<Future<RecordedAuditEvent>> results = queueBehindABatchOfOneWaiting(writer, pool, observer, queued);
            holder.rollback();
            List<Long> sequences = new ArrayList<>();
            for (Future<RecordedAuditEvent> result : results) {
                sequences.add(result.get().sequence());
            }
            // The first, then the queued ones in the order they queued (which the pool's threads decide).
            assertThat(sequences.getFirst()).isEqualTo(1L);
            assertThat(sequences).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        } finally {
            pool.shutdownNow();
        }

        // The queued callers joined the batch that had the lock: one transaction, not a second wait for the lock.
        assertThat(writer.batches()).containsExactly(queued + 1);
        assertThat(transactionsThatWroteEvents(database.dataSource())).isEqualTo(1);
        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(queued + 1L);
    }

    @Test
    void aCallerAnsweredWithTheOthersButRunLastStillJoinsTheirNextBatch() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        HeldWakes wakes = new HeldWakes();
        RecordingWriter writer = RecordingWriter.on(database.dataSource(), wakes);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicReference<Thread> slowThread = new AtomicReference<>();
        try (Connection holder = holdTheChainHead(database.dataSource());
             Connection observer = database.dataSource().getConnection()) {
            // Two clients, each appending twice in a row. The first one's first batch waits on the head while the
            // other's first event queues behind it, so both first events share one batch (ADR 0094's latecomers).
            AtomicReference<Thread> firstThread = new AtomicReference<>();
            AtomicInteger firstAnswered = new AtomicInteger();
            Future<List<Long>> first = pool.submit(() -> {
                firstThread.set(Thread.currentThread());
                List<Long> sequences = new ArrayList<>();
                for (String request : List.of("first-1", "first-2")) {
                    sequences.add(writer.appends().append(event(request)).sequence());
                    firstAnswered.incrementAndGet();
                }
                return sequences;
            });
            awaitTrue(writersWaiting(observer, 1), "the first batch waits on the chain head");
            Future<List<Long>> slow = pool.submit(() -> {
                slowThread.set(Thread.currentThread());
                return List.of(writer.appends().append(event("slow-1")).sequence(),
                        writer.appends().append(event("slow-2")).sequence());
            });
            awaitTrue(() -> writer.appends().waiting() == 1, "the slow client's first event is queued");
            holder.rollback();
            // The batch of both commits; the slow client is answered but, its wake held, not run again yet. The
            // first client, its writer, goes straight on with its second event.
            awaitTrue(() -> firstAnswered.get() == 2 || firstAnswered.get() == 1 && writer.appends().waiting() == 1
                    && firstThread.get().getState() == Thread.State.WAITING,
                    "the first client's second event is written, or queued and its caller parked");
            // The slow client now runs, leaves and appends its second event at once.
            wakes.open(slowThread.get());
            assertThat(slow.get()).containsExactly(2L, 4L);
            wakes.openAll();
            assertThat(first.get()).containsExactly(1L, 3L);
        } finally {
            wakes.openAll();
            pool.shutdownNow();
        }

        // The second events were written together: the next batch waited for the slow client to run on past its
        // answer (no clock), not one batch for the quick client and another for the slow one.
        assertThat(writer.batches()).containsExactly(2, 2);
        assertThat(transactionsThatWroteEvents(database.dataSource())).isEqualTo(2);
        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(4L);
    }

    @Test
    void aCallerWokenToTakeTheTurnLetsTheLastLeaverOnItsWayBackQueueFirstAndBothShareTheNextBatch() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        HeldWakes wakes = new HeldWakes();
        AtomicReference<RecordingWriter> writer = new AtomicReference<>();
        CountDownLatch lastLeaverGoesOn = new CountDownLatch(1);
        AtomicInteger lettingOthersRunFirst = new AtomicInteger();
        // The scheduler a yield gives the core to: the last leaver runs on and queues its next event (which it may
        // write itself) before the caller that yielded goes on.
        Runnable schedulerRunsTheLastLeaver = () -> {
            lettingOthersRunFirst.incrementAndGet();
            lastLeaverGoesOn.countDown();
            try {
                awaitTrue(() -> writer.get().appends().waiting() == 2 || writer.get().batches().size() == 2,
                        "the last leaver's next event is queued, or taken into the next batch");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        writer.set(RecordingWriter.on(database.dataSource(), wakes, schedulerRunsTheLastLeaver));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection holder = holdTheChainHead(database.dataSource());
             Connection observer = database.dataSource().getConnection()) {
            // Two clients, each appending twice. Their first events share one batch (the first client's waits on the
            // head while the other's queues behind it: ADR 0094's latecomers).
            AtomicReference<Thread> firstThread = new AtomicReference<>();
            AtomicReference<Thread> lastThread = new AtomicReference<>();
            AtomicInteger firstAnswered = new AtomicInteger();
            Future<List<Long>> first = pool.submit(() -> {
                firstThread.set(Thread.currentThread());
                List<Long> sequences = new ArrayList<>();
                for (String request : List.of("first-1", "first-2")) {
                    sequences.add(writer.get().appends().append(event(request)).sequence());
                    firstAnswered.incrementAndGet();
                }
                return sequences;
            });
            awaitTrue(writersWaiting(observer, 1), "the first batch waits on the chain head");
            Future<List<Long>> last = pool.submit(() -> {
                lastThread.set(Thread.currentThread());
                long one = writer.get().appends().append(event("last-1")).sequence();
                // Between its answer and its next event, the last leaver is not run until the scheduler lets it.
                lastLeaverGoesOn.await();
                return List.of(one, writer.get().appends().append(event("last-2")).sequence());
            });
            awaitTrue(() -> writer.get().appends().waiting() == 1, "the other client's first event is queued");
            holder.rollback();
            // The batch of both commits; the other client, answered but its wake held, has not left yet, so the first
            // client's second event queues and its caller parks: the turn is not given back before the last leaves.
            awaitTrue(() -> firstAnswered.get() == 1 && writer.get().appends().waiting() == 1
                    && firstThread.get().getState() == Thread.State.WAITING,
                    "the first client's second event is queued and its caller parked");
            // The last leaver now runs: it gives the turn back and wakes the first client to take it, then stops short
            // of its next event until the scheduler runs it again.
            wakes.open(firstThread.get());
            wakes.open(lastThread.get());
            awaitTrue(() -> lettingOthersRunFirst.get() > 0 || firstAnswered.get() == 2,
                    "the woken caller let the last leaver run first, or wrote without it");
            lastLeaverGoesOn.countDown();
            assertThat(last.get()).containsExactly(2L, 4L);
            assertThat(first.get()).containsExactly(1L, 3L);
        } finally {
            lastLeaverGoesOn.countDown();
            wakes.openAll();
            pool.shutdownNow();
        }

        // The second events were written together: the caller woken to take the turn let the last leaver, on its way
        // back, queue first (one yield, no clock), rather than draining a batch without it.
        assertThat(writer.get().batches()).containsExactly(2, 2);
        assertThat(lettingOthersRunFirst.get()).isPositive();
        assertThat(transactionsThatWroteEvents(database.dataSource())).isEqualTo(2);
        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(4L);
    }

    @Test
    void aBatchWhoseConnectionIsDroppedFailsEveryOneOfItsCallersAndWritesNothing() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        RecordingWriter writer = RecordingWriter.on(database.dataSource());
        int queued = 7;
        ExecutorService pool = Executors.newFixedThreadPool(queued + 1);
        try (Connection holder = holdTheChainHead(database.dataSource());
             Connection observer = database.dataSource().getConnection()) {
            // A lone first event waits on the head row while seven more queue up behind it and form the next batch.
            List<Future<RecordedAuditEvent>> results = queueBehindABatchOfOneWaiting(writer, pool, observer, queued);
            dropTheWaitingWriter(observer);
            awaitTrue(() -> writer.appends().waiting() == 0, "the next batch took the queued events");
            awaitTrue(writersWaiting(observer, 1), "the batch of seven waits on the chain head");
            dropTheWaitingWriter(observer);

            List<Throwable> failures = new ArrayList<>();
            for (Future<RecordedAuditEvent> result : results) {
                try {
                    result.get();
                } catch (ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            assertThat(writer.batches()).containsExactly(1, queued);
            // Every caller of both batches was told: none was told "written".
            assertThat(failures).hasSize(queued + 1).allSatisfy(failure -> {
                assertThat(failure).isInstanceOf(DatabaseFailure.class);
                // The database's own reason, not the dead connection's "closed" from the clean-up.
                assertThat(failure.getCause()).isInstanceOf(SQLException.class);
                assertThat(((SQLException) failure.getCause()).getSQLState()).isEqualTo("57P01");
            });
            // Each caller has an exception of its own (callers add to theirs), around the one cause.
            assertThat(failures.stream().distinct().count()).isEqualTo(queued + 1L);
            holder.rollback();
        } finally {
            pool.shutdownNow();
        }

        AuditHistory history = contexts.on(database).getBean(AuditHistory.class);
        assertThat(history.verifyChain()).isEqualTo(new ChainVerification.Intact(0,
                org.vpsrecovery.domain.audit.ChainHash.GENESIS));
        // The writer goes on with a new connection: the chain starts at 1, nothing of the failed batches in it.
        assertThat(writer.appends().append(event("after")).sequence()).isEqualTo(1);
        ChainVerification after = history.verifyChain();
        assertThat(after).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) after).eventsChecked()).isEqualTo(1);
    }

    @Test
    void aWriterWhoseHeadWasMovedByAnotherInstanceMeanwhileChainsAfterIt() {
        TestDatabase database = DATABASE.anotherMigrated();
        GroupCommit first = RecordingWriter.on(database.dataSource()).appends();
        GroupCommit second = RecordingWriter.on(database.dataSource()).appends();
        List<Long> sequences = new ArrayList<>();
        // The first writer alone for a while (it then knows where the head is), then the two in turns,
        // then one of them again several times: every append lands right after the one before.
        String[] turns = {"1", "1", "1", "1", "2", "1", "2", "2", "2", "1", "1", "1"};
        for (int i = 0; i < turns.length; i++) {
            GroupCommit writer = turns[i].equals("1") ? first : second;
            sequences.add(writer.append(event("turn-" + i)).sequence());
        }
        // An event the database refuses in the middle fails alone and the chain goes on after it.
        AuditEvent refused = new AuditEvent(T0, new TeamId("blue"), new RequestId("nul"), Operation.CREATE_SNAPSHOT,
                Optional.empty(), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(), Map.of("note", "a\0b"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> first.append(refused))
                .isInstanceOf(DatabaseFailure.class);
        sequences.add(first.append(event("after-refusal")).sequence());
        sequences.add(second.append(event("other-after-refusal")).sequence());

        assertThat(sequences).containsExactly(LongStream.rangeClosed(1, turns.length + 2).boxed().toArray(Long[]::new));
        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(turns.length + 2L);
    }

    @Test
    void aCallersEventsGoInOneBatchInTheirOrderAndARefusedOneFailsThemAllWritingNone() {
        TestDatabase database = DATABASE.anotherMigrated();
        RecordingWriter writer = RecordingWriter.on(database.dataSource());
        GroupCommit appends = writer.appends();
        appends.append(event("before"));
        // The tracker's ends of one hold (ADR 0116): one batch, one statement and one flush for all of them.
        List<RecordedAuditEvent> ends = appends.appendAll(List.of(event("end-1"), event("end-2"), event("end-3")));
        assertThat(ends).extracting(RecordedAuditEvent::sequence).containsExactly(2L, 3L, 4L);
        assertThat(ends).extracting(recorded -> recorded.event().requestId().value())
                .containsExactly("end-1", "end-2", "end-3");
        assertThat(writer.batches()).containsExactly(1, 3);
        // All or none: one event the database refuses fails the caller's others too; the chain goes on after them.
        AuditEvent refused = new AuditEvent(T0, new TeamId("blue"), new RequestId("nul"), Operation.CREATE_SNAPSHOT,
                Optional.empty(), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(), Map.of("note", "a\0b"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> appends.appendAll(List.of(event("with-refused"), refused)))
                .isInstanceOf(DatabaseFailure.class);
        assertThat(appends.append(event("after")).sequence()).isEqualTo(5L);
        assertThat(appends.appendAll(List.of())).isEmpty();
        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(5L);
    }

    private static int sum(List<Integer> sizes) {
        synchronized (sizes) {
            return sizes.stream().mapToInt(Integer::intValue).sum();
        }
    }

    private static void dropTheWaitingWriter(Connection observer) throws SQLException {
        try (Statement statement = observer.createStatement(); ResultSet rs = statement.executeQuery(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND wait_event_type = 'Lock' AND query LIKE '%audit_chain_head%FOR UPDATE%'"
                        + " AND pid <> pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
        }
    }
}
