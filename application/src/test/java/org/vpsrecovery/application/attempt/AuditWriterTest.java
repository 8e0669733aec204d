package org.vpsrecovery.application.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.KeptAuditEvents;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.ForwardingAuditHistory;
import org.vpsrecovery.domain.testing.InMemoryAuditHistory;
import org.vpsrecovery.domain.testing.InMemoryKeptAuditEvents;

/** What cannot be written now is kept, written later in order, never on a request's thread (ADR 0141). */
class AuditWriterTest {

    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

    private final InMemoryAuditHistory recorded = new InMemoryAuditHistory();
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger appends = new AtomicInteger();
    private final ForwardingAuditHistory history = new ForwardingAuditHistory(recorded) {
        @Override
        public RecordedAuditEvent append(AuditEvent event) {
            if (down.get()) {
                throw new IllegalStateException("database unavailable");
            }
            appends.incrementAndGet();
            return super.append(event);
        }
    };
    private final InMemoryKeptAuditEvents kept = new InMemoryKeptAuditEvents();
    private final AuditWriter writer = new AuditWriter(history, kept);

    /** The test's history, each call passed on, its appends refused while {@code down}: a test overrides the rest. */
    private class HistoryWhileUp extends ForwardingAuditHistory {
        HistoryWhileUp() {
            super(recorded);
        }

        @Override
        public RecordedAuditEvent append(AuditEvent event) {
            if (down.get()) {
                throw new IllegalStateException("database unavailable");
            }
            return super.append(event);
        }
    }

    /** The test's store, each call passed on: a test overrides the one it interferes with. */
    private class ForwardingKept implements KeptAuditEvents {
        @Override
        public void keep(AuditEvent event) {
            kept.keep(event);
        }

        @Override
        public List<AuditEvent> oldest(int max) {
            return kept.oldest(max);
        }

        @Override
        public void written(int count) {
            kept.written(count);
        }

        @Override
        public long count() {
            return kept.count();
        }

        @Override
        public Optional<Instant> oldestOccurredAt() {
            return kept.oldestOccurredAt();
        }

        @Override
        public long takeOverStopped() {
            return kept.takeOverStopped();
        }
    }

    private static AuditEvent event(int n) {
        return new AuditEvent(T0.plusMillis(n), new TeamId("blue"), new RequestId("req-" + n), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(12345)), Optional.empty(),
                new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED), OptionalInt.empty(), Map.of());
    }

    private List<String> recordedRequests() {
        return recorded.all().stream().map(e -> e.requestId().value()).toList();
    }

    @Test
    void whatTheHistoryCannotTakeIsKeptInTheStoreAndWrittenInOrderByTheFlush() {
        down.set(true);
        writer.appendOrDefer(event(1));
        writer.appendOrDefer(event(2));

        assertThat(kept.count()).isEqualTo(2);
        assertThat(writer.waiting()).isEqualTo(2);
        assertThat(writer.flush()).isZero();

        down.set(false);
        writer.appendOrDefer(event(3));

        assertThat(recordedRequests()).as("a request's thread writes nothing others left waiting").isEmpty();
        assertThat(kept.count()).as("kept behind those waiting, in order").isEqualTo(3);

        assertThat(writer.flush()).isEqualTo(3);
        assertThat(recordedRequests()).containsExactly("req-1", "req-2", "req-3");
        assertThat(writer.waiting()).isZero();
        assertThat(kept.count()).isZero();

        writer.appendOrDefer(event(4));
        assertThat(recordedRequests()).endsWith("req-4");
    }

    @Test
    void aLongBacklogIsWrittenInBatchesByTheFlushAlone() {
        down.set(true);
        int many = AuditWriter.FLUSH_BATCH * 3 + 7;
        for (int n = 1; n <= many; n++) {
            writer.appendOrDefer(event(n));
        }
        down.set(false);

        for (int n = many + 1; n <= many + 20; n++) {
            writer.appendOrDefer(event(n));
        }
        assertThat(appends.get()).as("appends made on the callers' threads").isZero();

        assertThat(writer.flush()).isEqualTo(many + 20);
        List<String> expected = new ArrayList<>();
        for (int n = 1; n <= many + 20; n++) {
            expected.add("req-" + n);
        }
        assertThat(recordedRequests()).containsExactlyElementsOf(expected);
    }

    @Test
    void whenTheStoreCannotKeepOneEitherItAndEveryLaterOneWaitInMemoryInOrder() {
        AtomicBoolean storeBroken = new AtomicBoolean();
        KeptAuditEvents breakable = keptUnless(storeBroken);
        AuditWriter writer = new AuditWriter(history, breakable);
        down.set(true);
        writer.appendOrDefer(event(1));
        storeBroken.set(true);
        writer.appendOrDefer(event(2));
        storeBroken.set(false);
        writer.appendOrDefer(event(3));

        assertThat(kept.count()).as("after one waits in memory, every later one does too").isOne();
        assertThat(writer.waiting()).isEqualTo(3);

        down.set(false);
        assertThat(writer.flush()).isEqualTo(3);
        assertThat(recordedRequests()).containsExactly("req-1", "req-2", "req-3");
    }

    /**
     * Once the store takes keeps again, the next flush moves what waits in memory into it, oldest first, whether or not
     * the history takes appends: a stop or a crash then loses none of them (ADR 0141, session 46).
     */
    @Test
    void whatWaitsInMemoryIsMovedIntoTheStoreOnceItKeepsAgain() {
        AtomicBoolean storeBroken = new AtomicBoolean();
        AuditWriter writer = new AuditWriter(history, keptUnless(storeBroken));
        down.set(true);
        writer.appendOrDefer(event(1));
        storeBroken.set(true);
        writer.appendOrDefer(event(2));
        storeBroken.set(false);
        writer.appendOrDefer(event(3));
        assertThat(writer.inMemoryWaiting()).isEqualTo(2);

        assertThat(writer.flush()).as("the history still refuses").isZero();

        assertThat(writer.inMemoryWaiting()).isZero();
        assertThat(writer.keptWaiting()).isEqualTo(3);
        assertThat(kept.oldest(10)).containsExactly(event(1), event(2), event(3));

        down.set(false);
        assertThat(writer.flush()).isEqualTo(3);
        assertThat(recordedRequests()).containsExactly("req-1", "req-2", "req-3");
    }

    /** A store that fails again mid-move stops it there: what was moved is older than what still waits in memory. */
    @Test
    void aMoveIntoTheStoreStopsAtTheFirstKeepThatFailsAndTheOrderHolds() {
        AtomicBoolean storeBroken = new AtomicBoolean();
        AtomicInteger keepsBeforeItBreaks = new AtomicInteger(Integer.MAX_VALUE);
        KeptAuditEvents failing = new ForwardingKept() {
            @Override
            public void keep(AuditEvent event) {
                if (storeBroken.get() || keepsBeforeItBreaks.getAndDecrement() <= 0) {
                    throw new IllegalStateException("disk full");
                }
                super.keep(event);
            }
        };
        AuditWriter writer = new AuditWriter(history, failing);
        down.set(true);
        storeBroken.set(true);
        writer.appendOrDefer(event(1));
        writer.appendOrDefer(event(2));
        writer.appendOrDefer(event(3));
        storeBroken.set(false);
        keepsBeforeItBreaks.set(1);

        writer.flush();

        assertThat(writer.keptWaiting()).isOne();
        assertThat(writer.inMemoryWaiting()).isEqualTo(2);
        keepsBeforeItBreaks.set(Integer.MAX_VALUE);
        writer.appendOrDefer(event(4));
        assertThat(writer.inMemoryWaiting()).as("behind those in memory, the order").isEqualTo(3);

        down.set(false);
        assertThat(writer.flush()).isEqualTo(4);
        assertThat(recordedRequests()).containsExactly("req-1", "req-2", "req-3", "req-4");
    }

    /** The ages /prometheus shows (ADR 0038, session 44): when the event waiting longest happened, store by store. */
    @Test
    void theTimeOfTheEventWaitingLongestIsKnownStoreByStore() {
        AtomicBoolean storeBroken = new AtomicBoolean();
        KeptAuditEvents breakable = keptUnless(storeBroken);
        AuditWriter writer = new AuditWriter(history, breakable);
        assertThat(writer.keptOldestOccurredAt()).isEmpty();
        assertThat(writer.inMemoryOldestOccurredAt()).isEmpty();

        down.set(true);
        writer.appendOrDefer(event(1));
        writer.appendOrDefer(event(2));
        storeBroken.set(true);
        writer.appendOrDefer(event(3));
        storeBroken.set(false);
        writer.appendOrDefer(event(4));

        assertThat(writer.keptOldestOccurredAt()).contains(event(1).occurredAt());
        assertThat(writer.inMemoryOldestOccurredAt()).contains(event(3).occurredAt());

        down.set(false);
        assertThat(writer.flush()).isEqualTo(4);
        assertThat(writer.keptOldestOccurredAt()).isEmpty();
        assertThat(writer.inMemoryOldestOccurredAt()).isEmpty();
    }

    @Test
    void aStopsFlushWaitsForTheFlushUnderWayInsteadOfWritingNothing() throws Exception {
        CountDownLatch inAppend = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean slow = new AtomicBoolean(true);
        ForwardingAuditHistory slowHistory = new ForwardingAuditHistory(recorded) {
            @Override
            public RecordedAuditEvent append(AuditEvent event) {
                if (down.get()) {
                    throw new IllegalStateException("database unavailable");
                }
                if (slow.getAndSet(false)) {
                    inAppend.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    // The database went away again while this batch was written.
                    throw new IllegalStateException("database unavailable");
                }
                return super.append(event);
            }
        };
        AuditWriter writer = new AuditWriter(slowHistory, kept);
        down.set(true);
        writer.appendOrDefer(event(1));
        writer.appendOrDefer(event(2));
        down.set(false);
        Thread scheduled = Thread.ofPlatform().start(writer::flush);
        assertThat(inAppend.await(10, TimeUnit.SECONDS)).isTrue();

        AtomicInteger written = new AtomicInteger(-1);
        Thread stop = Thread.ofPlatform().start(() -> {
            try {
                written.set(writer.flush(Duration.ofSeconds(10)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        release.countDown();
        scheduled.join(10_000);
        stop.join(10_000);

        assertThat(written.get()).isEqualTo(2);
        assertThat(recordedRequests()).containsExactly("req-1", "req-2");
    }

    /** A batch that landed but whose commit was not confirmed (or a kept batch read again after a stop) is not written twice. */
    @Test
    void aBatchThatLandedUnconfirmedIsNotWrittenAgain() {
        AtomicBoolean loseTheAnswer = new AtomicBoolean();
        ForwardingAuditHistory unconfirmed = new HistoryWhileUp() {
            @Override
            public List<RecordedAuditEvent> appendAll(List<AuditEvent> events) {
                if (down.get()) {
                    throw new IllegalStateException("database unavailable");
                }
                List<RecordedAuditEvent> written = events.stream().map(recorded::append).toList();
                if (loseTheAnswer.getAndSet(false)) {
                    throw new IllegalStateException("the commit's answer was lost");
                }
                return written;
            }
        };
        AuditWriter writer = new AuditWriter(unconfirmed, kept);
        down.set(true);
        writer.appendOrDefer(event(1));
        writer.appendOrDefer(event(2));
        down.set(false);
        loseTheAnswer.set(true);

        assertThat(writer.flush()).isZero();
        assertThat(writer.flush()).isEqualTo(2);

        assertThat(recordedRequests()).containsExactly("req-1", "req-2");
        assertThat(writer.waiting()).isZero();
    }

    /**
     * ADR 0142: a kept end of an attempt that another writer (the tracker, another instance) ends between the flush's
     * look and its append is left out, and the rest of its batch is written, in order; the flush does not stall on it.
     */
    @Test
    void aKeptEndOfAnAttemptEndedMeanwhileIsLeftOutAndTheRestWritten() {
        AuditEvent trackersEnd = ofAttempt("attempt-a", "req-2", new Outcome.Completed());
        AtomicBoolean trackerEndsItNow = new AtomicBoolean();
        ForwardingAuditHistory racing = new HistoryWhileUp() {
            @Override
            public List<RecordedAuditEvent> appendAll(List<AuditEvent> events) {
                if (trackerEndsItNow.getAndSet(false)) {
                    recorded.append(trackersEnd); // after the flush looked, before its append
                }
                return recorded.appendAll(events);
            }
        };
        AuditWriter writer = new AuditWriter(racing, kept);
        down.set(true);
        writer.appendOrDefer(event(1));
        writer.appendOrDefer(ofAttempt("attempt-a", "req-2",
                new Outcome.Failed(ReasonCode.PROVIDER_TIMEOUT, "VPS.org did not answer in time")));
        writer.appendOrDefer(event(3));
        down.set(false);
        trackerEndsItNow.set(true);

        assertThat(writer.flush()).isEqualTo(3);

        assertThat(recorded.all()).extracting(e -> e.requestId().value() + " " + e.outcome().kind())
                .containsExactly("req-2 COMPLETED", "req-1 REJECTED", "req-3 REJECTED");
        assertThat(writer.waiting()).isZero();
        assertThat(kept.count()).isZero();

        // An end deferred on a request's thread, its attempt ended already: not kept to be refused again and again.
        writer.appendOrDefer(ofAttempt("attempt-a", "req-2", new Outcome.Completed()));
        assertThat(writer.waiting()).isZero();
        assertThat(recorded.all()).hasSize(3);
    }

    private static AuditEvent ofAttempt(String attempt, String request, Outcome outcome) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(12345)), Optional.empty(), outcome, OptionalInt.empty(),
                Map.of(AuditEvent.ATTEMPT_ID, attempt));
    }

    /** The flush first takes over what a process that stopped left in the same store, and writes it. */
    @Test
    void theFlushWritesWhatAStoppedProcessLeftFoundWhileRunning() {
        List<AuditEvent> leftByAnother = new ArrayList<>(List.of(event(1), event(2)));
        KeptAuditEvents shared = new ForwardingKept() {
            @Override
            public long takeOverStopped() {
                leftByAnother.forEach(kept::keep);
                int taken = leftByAnother.size();
                leftByAnother.clear();
                return taken;
            }
        };
        AuditWriter writer = new AuditWriter(history, shared);

        assertThat(writer.flush()).isEqualTo(2);
        assertThat(recordedRequests()).containsExactly("req-1", "req-2");
        assertThat(writer.waiting()).isZero();
    }

    /**
     * The stop's flush has a budget: it starts no batch once the budget is spent, and what it did not write stays kept
     * for the next start. Its budget is measured here on a clock each batch moves by one second.
     */
    @Test
    void aStopsFlushStartsNoBatchOnceItsBudgetIsSpentAndLeavesTheRestKept() throws Exception {
        AtomicLong nanoTime = new AtomicLong();
        ForwardingAuditHistory slow = new HistoryWhileUp() {
            @Override
            public List<RecordedAuditEvent> appendAll(List<AuditEvent> events) {
                nanoTime.addAndGet(Duration.ofSeconds(1).toNanos());
                return super.appendAll(events);
            }
        };
        AuditWriter writer = new AuditWriter(slow, kept);
        down.set(true);
        int many = AuditWriter.FLUSH_BATCH * 5;
        for (int n = 1; n <= many; n++) {
            writer.appendOrDefer(event(n));
        }
        down.set(false);

        int written = writer.flush(Duration.ofMillis(2500), nanoTime::get);

        assertThat(written).as("batches begun at 0 s, 1 s and 2 s").isEqualTo(AuditWriter.FLUSH_BATCH * 3);
        assertThat(recorded.all()).hasSize(written);
        assertThat(kept.count()).as("the rest still kept, for the next start").isEqualTo(many - written);
        assertThat(writer.waiting()).isEqualTo(many - written);

        assertThat(writer.flush()).as("the schedule's flush has no budget").isEqualTo(many - written);
        assertThat(kept.count()).isZero();
    }

    /**
     * A stalled disk: the store's calls do not return. The stop's flush still returns once its budget is spent, the
     * store still stalled, so the stop goes on (ADR 0141, session 46); the flush left behind ends when the store does.
     */
    @Test
    void aStopsFlushReturnsAtItsBudgetWhileTheStoreIsStalled() throws Exception {
        CountDownLatch inTakeOver = new CountDownLatch(1);
        CountDownLatch unstall = new CountDownLatch(1);
        KeptAuditEvents stalled = new ForwardingKept() {
            @Override
            public long takeOverStopped() {
                inTakeOver.countDown();
                try {
                    unstall.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.takeOverStopped();
            }
        };
        AuditWriter writer = new AuditWriter(history, stalled);
        down.set(true);
        writer.appendOrDefer(event(1));
        down.set(false);
        CountDownLatch returned = new CountDownLatch(1);
        AtomicInteger written = new AtomicInteger(-1);
        Thread stop = Thread.ofPlatform().daemon().start(() -> {
            try {
                written.set(writer.flush(Duration.ofMillis(200)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            returned.countDown();
        });
        try {
            // A bound for the failure only (far beyond the budget): before the change the flush never returned.
            assertThat(returned.await(30, TimeUnit.SECONDS)).as("the stop's flush returned").isTrue();
            assertThat(inTakeOver.getCount()).as("it reached the store").isZero();
            assertThat(unstall.getCount()).as("the store still stalled when it returned").isOne();
            assertThat(written.get()).isZero();
            assertThat(writer.keptWaiting()).as("still kept, for the next start").isOne();
        } finally {
            unstall.countDown();
            stop.join(10_000);
        }
    }

    /**
     * A stalled disk at the exit: the stop's flush, left behind at its budget, holds the store inside a take-over. The
     * store's close, as the file store's, waits for the call under way: made by the bean at the exit, it hung the
     * process until SIGKILL. The writer's close returns at once and leaves the store to that flush, which lets go of it
     * when it ends (ADR 0141, session 46).
     */
    @Test
    void theCloseReturnsWhileAFlushLeftBehindHoldsAStalledStoreWhichItLetsGoWhenItEnds() throws Exception {
        java.util.concurrent.locks.ReentrantLock oneAtATime = new java.util.concurrent.locks.ReentrantLock();
        CountDownLatch inTakeOver = new CountDownLatch(1);
        CountDownLatch unstall = new CountDownLatch(1);
        CountDownLatch storeClosed = new CountDownLatch(1);
        KeptAuditEvents stalled = new ForwardingKept() {
            @Override
            public long takeOverStopped() {
                oneAtATime.lock();
                try {
                    inTakeOver.countDown();
                    unstall.await();
                    return super.takeOverStopped();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                } finally {
                    oneAtATime.unlock();
                }
            }

            @Override
            public void close() {
                oneAtATime.lock(); // as the file store: a close waits for the call under way
                try {
                    storeClosed.countDown();
                } finally {
                    oneAtATime.unlock();
                }
            }
        };
        AuditWriter writer = new AuditWriter(history, stalled);
        down.set(true);
        writer.appendOrDefer(event(1));
        down.set(false);
        assertThat(writer.flush(Duration.ofMillis(200))).isZero();
        assertThat(inTakeOver.await(10, TimeUnit.SECONDS)).as("the flush left behind is in the store").isTrue();
        CountDownLatch closed = new CountDownLatch(1);
        Thread exit = Thread.ofPlatform().daemon().start(() -> {
            writer.close();
            closed.countDown();
        });
        try {
            // A bound for the failure only: before the change the close waited as long as the disk.
            assertThat(closed.await(30, TimeUnit.SECONDS)).as("the close returned").isTrue();
            assertThat(unstall.getCount()).as("the store still stalled when it returned").isOne();
            assertThat(storeClosed.getCount()).as("the store not let go under the flush").isOne();
        } finally {
            unstall.countDown();
        }
        assertThat(storeClosed.await(10, TimeUnit.SECONDS)).as("let go by the flush as it ended").isTrue();
        assertThat(kept.count()).as("no batch after the budget: still kept, for the next process").isOne();
        exit.join(10_000);
    }

    /** The writer's close lets go of the store at once when no flush runs; no flush reads it after. */
    @Test
    void theCloseLetsGoOfTheStoreAtOnceWhenNoFlushRunsAndNoFlushReadsItAfter() {
        AtomicInteger closes = new AtomicInteger();
        AtomicInteger readsAfterClose = new AtomicInteger();
        KeptAuditEvents store = new ForwardingKept() {
            @Override
            public List<AuditEvent> oldest(int max) {
                if (closes.get() > 0) {
                    readsAfterClose.incrementAndGet();
                }
                return super.oldest(max);
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        AuditWriter writer = new AuditWriter(history, store);
        down.set(true);
        writer.appendOrDefer(event(1));
        down.set(false);
        writer.close();
        writer.close();
        assertThat(closes.get()).as("let go once").isOne();
        assertThat(writer.flush()).isZero();
        assertThat(readsAfterClose.get()).isZero();
        assertThat(recordedRequests()).isEmpty();
    }

    /** The kept events' store, refusing every keep ("disk full") while {@code broken} is set. */
    private KeptAuditEvents keptUnless(AtomicBoolean broken) {
        return new ForwardingKept() {
            @Override
            public void keep(AuditEvent event) {
                if (broken.get()) {
                    throw new IllegalStateException("disk full");
                }
                super.keep(event);
            }
        };
    }
}
