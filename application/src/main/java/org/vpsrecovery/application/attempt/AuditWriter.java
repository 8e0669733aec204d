package org.vpsrecovery.application.attempt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.concurrent.locks.ReentrantLock;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AttemptAlreadyEnded;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.KeptAuditEvents;

/**
 * Appends audit events, and keeps those the history cannot take now (database down or saturated)
 * to write them later, in order, instead of losing them or failing a caller whose change already
 * happened at the provider (ADR 0141). They are kept in {@link KeptAuditEvents}, durably: what an
 * instance kept and did not write before it stopped, however it stopped, the next start on the same
 * store writes. Only when that store cannot take one either is an event kept in this instance's
 * memory (said in an ERROR), and then every later one too, so the order holds; each flush first moves
 * those into the store again, oldest first, once it keeps. {@link #flush()} writes them in batches on
 * the housekeeping schedule, never on a request's thread.
 */
public final class AuditWriter {

    /** Events written per batch by {@link #flush()}. */
    static final int FLUSH_BATCH = 100;
    private static final System.Logger LOG = System.getLogger(AuditWriter.class.getName());

    private final AuditHistory history;
    private final Optional<KeptAuditEvents> kept;
    /** Events neither the history nor the store could take: after every kept one, in order. */
    private final ConcurrentLinkedQueue<AuditEvent> inMemory = new ConcurrentLinkedQueue<>();
    private final AtomicLong inMemoryCount = new AtomicLong();
    /** The store's count as this writer moved it: read on every append, without the store's own lock. */
    private final AtomicLong keptCount = new AtomicLong();
    private final ReentrantLock flushing = new ReentrantLock();
    /** How long the close waits for a keep under way before it leaves the store to the process's end. */
    private static final Duration KEEP_WAIT_AT_CLOSE = Duration.ofSeconds(1);
    /**
     * Keeps in order: the store or memory, and the count beside it. A lock, not a monitor (ADR 0141, session 45): a keep
     * parks until the store's line is on disk, and on JDK 21-23 a virtual thread parked inside a monitor pins its
     * carrier, so deferred appends during an outage stopped every task of a 2-core instance's blocking executor.
     */
    private final ReentrantLock keeping = new ReentrantLock();
    /** Set by {@link #close()}: the flush under way, at its end, lets go of the store; no flush reads it after. */
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private boolean storeClosed;
    /**
     * Why the history last failed an append of this writer, until it takes one again: the flush's WARN names it, since
     * the failure itself is swallowed where events are kept to be written later (ADR 0141, amended in session 50).
     */
    private final java.util.concurrent.atomic.AtomicReference<RuntimeException> lastFailure =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** Keeps what the history cannot take in this instance's memory only: for tests and tools, not the service. */
    public AuditWriter(AuditHistory history) {
        this.history = Objects.requireNonNull(history, "history");
        this.kept = Optional.empty();
    }

    public AuditWriter(AuditHistory history, KeptAuditEvents kept) {
        this.history = Objects.requireNonNull(history, "history");
        this.kept = Optional.of(Objects.requireNonNull(kept, "kept"));
        this.keptCount.set(kept.count());
    }

    /** Appends now, or throws: for intents, which must be on record before the provider is called. */
    public RecordedAuditEvent appendNow(AuditEvent event) {
        try {
            RecordedAuditEvent recorded = history.append(event);
            tookOne();
            return recorded;
        } catch (RuntimeException failure) {
            noteFailure(failure);
            throw failure;
        }
    }

    /**
     * Appends all now, in one batch where the history writes one (all or none), or throws: for ends that must be on
     * record before their operations are closed. After a failure some may be written: look before writing one again.
     */
    public List<RecordedAuditEvent> appendAllNow(List<AuditEvent> events) {
        try {
            List<RecordedAuditEvent> recorded = history.appendAll(events);
            tookOne();
            return recorded;
        } catch (RuntimeException failure) {
            noteFailure(failure);
            throw failure;
        }
    }

    /**
     * Why the history last failed an append of this writer (a request's, a flush's, or the flush's look-up before it),
     * empty once it took one since: what a WARN about the events waiting names. Never an expected refusal (a second
     * end of an attempt) nor a failure typed for the caller ({@link RecoveryException}).
     */
    public Optional<RuntimeException> lastFailure() {
        return Optional.ofNullable(lastFailure.get());
    }

    private void noteFailure(RuntimeException failure) {
        if (!(failure instanceof RecoveryException) && !(failure instanceof AttemptAlreadyEnded)) {
            lastFailure.set(failure);
        }
    }

    private void tookOne() {
        // Read before written: every append passes here, and a write each time would contend for nothing.
        if (lastFailure.get() != null) {
            lastFailure.set(null);
        }
    }

    /**
     * Appends now if nothing waits and the history takes it, else keeps it after what waits, for {@link #flush()};
     * never throws for the history. A request's thread never writes what others left waiting.
     */
    public void appendOrDefer(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        if (waiting() == 0) {
            try {
                history.append(event);
                tookOne();
                return;
            } catch (RecoveryException expected) {
                throw expected;
            } catch (AttemptAlreadyEnded ended) {
                secondEndNotWritten(event);
                return;
            } catch (RuntimeException unavailable) {
                // Kept below; the scheduled flush reports what waits, and why (noted). The caller's answer does not
                // depend on it.
                noteFailure(unavailable);
            }
        }
        keep(event);
    }

    private void keep(AuditEvent event) {
        keeping.lock();
        try {
            if (kept.isPresent() && inMemoryCount.get() == 0) {
                try {
                    kept.get().keep(event);
                    keptCount.incrementAndGet();
                    return;
                } catch (RuntimeException cannot) {
                    LOG.log(System.Logger.Level.ERROR, "an audit event the history could not take cannot be kept "
                            + "either ({0}): it waits in this instance''s memory only, and is lost if the instance "
                            + "stops before the history takes it", cannot.getMessage());
                }
            }
            inMemory.add(event);
            inMemoryCount.incrementAndGet();
        } finally {
            keeping.unlock();
        }
    }

    /**
     * Writes what waits, oldest first, in batches, until the history refuses again; returns how many were written.
     * First moves what waits in memory into the store, if it keeps again, and takes over what processes that stopped
     * left kept in the same store.
     */
    public int flush() {
        if (!flushing.tryLock()) {
            return 0;
        }
        try {
            return drain(() -> false, new AtomicInteger());
        } finally {
            unlockFlushing();
        }
    }

    /**
     * Lets go of the store of kept events, so the next process on it (another instance sharing the directory, the next
     * start) takes over what it still keeps; never while a flush may still write (ADR 0141, session 46). A flush still
     * under way (the stop's, left behind at its budget by a slow history or a stalled disk) would append events another
     * process took over meanwhile and writes too: the look-up before a write is not one step with it. So this waits for
     * nothing: when no flush runs it lets go at once; else the flush lets go when it ends, and if it never ends (the
     * process exits first) the system lets go of the folders with the process, which ends that flush at the same moment.
     * A keep still under way (a request's, on a stalled disk) leaves the store to the process's end too.
     */
    public void close() {
        closing.set(true);
        if (flushing.tryLock()) {
            unlockFlushing();
        } else {
            LOG.log(System.Logger.Level.WARNING, "a flush of kept audit events is still under way at the close: the "
                    + "store is let go when it ends, or with the process");
        }
    }

    /**
     * Lets go of {@link #flushing}, then of the store if {@link #close()} was called. Closing is set before the close
     * tries the lock, and a flush looks at it after letting go: one of the two sees the other, so the store is let go.
     */
    private void unlockFlushing() {
        flushing.unlock();
        if (closing.get() && flushing.tryLock()) {
            try {
                closeStore();
            } finally {
                flushing.unlock();
            }
        }
    }

    /**
     * Under {@link #flushing}: once, and only when no keep is under way. A keep on a sound disk takes milliseconds, so it
     * is waited for {@link #KEEP_WAIT_AT_CLOSE}, no longer: one on a stalled disk leaves the store to the process's end.
     */
    private void closeStore() {
        if (storeClosed || kept.isEmpty()) {
            return;
        }
        boolean noKeep;
        try {
            noKeep = keeping.tryLock(KEEP_WAIT_AT_CLOSE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            noKeep = false;
        }
        if (!noKeep) {
            LOG.log(System.Logger.Level.WARNING, "a keep of an audit event is still under way at the close: the store "
                    + "of kept events is let go with the process");
            return;
        }
        try {
            storeClosed = true;
            kept.get().close();
        } finally {
            keeping.unlock();
        }
    }

    /**
     * As {@link #flush()}, for a stop, within {@code budget}: waits for a flush under way (the schedule's) to end
     * first, starts no batch once the budget (that wait included) is spent, and returns then even if a batch or a call
     * of the store is still under way, so a stop ends in time whatever the backlog or the disk. What is still kept
     * then stays in the store for the next start; what still waits in memory (the store refusing it too) is lost.
     */
    public int flush(Duration budget) throws InterruptedException {
        return flush(budget, System::nanoTime);
    }

    /**
     * As {@link #flush(Duration)}, no batch started once its budget is spent on {@code nanoTime} (a test's, which moves
     * as it says). The flush runs on a thread of its own, and this returns when it ends or, at the latest, once the
     * budget is spent on the real clock, with how many it wrote so far: a stalled disk (a keep, a take-over or a read of
     * the store that does not return) or a history that hangs holds that thread, not the stop (ADR 0141, session 46).
     * What it has not noted as written by then stays kept, and the store is not let go while that thread may still
     * write ({@link #close()}): the next process on it reads those events only once this one cannot write them any more.
     */
    int flush(Duration budget, LongSupplier nanoTime) throws InterruptedException {
        long deadline = nanoTime.getAsLong() + budget.toNanos();
        AtomicInteger written = new AtomicInteger();
        CountDownLatch ended = new CountDownLatch(1);
        Thread.ofPlatform().name("audit-flush-at-stop").daemon().start(() -> {
            try {
                if (flushing.tryLock(budget.toNanos(), TimeUnit.NANOSECONDS)) {
                    try {
                        drain(() -> nanoTime.getAsLong() - deadline >= 0, written);
                    } finally {
                        unlockFlushing();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ended.countDown();
            }
        });
        if (!ended.await(budget.toNanos(), TimeUnit.NANOSECONDS)) {
            LOG.log(System.Logger.Level.WARNING, "the flush of kept audit events did not end within its {0}: the stop "
                    + "goes on without it (a stalled disk or database); {1} written", budget, written.get());
        }
        return written.get();
    }

    /**
     * Writes batch after batch until nothing waits, the history refuses, or {@code spent} says so before a batch; adds
     * each batch written to {@code written} as it goes, and returns its total.
     */
    private int drain(BooleanSupplier spent, AtomicInteger written) {
        if (storeClosed) {
            return 0; // let go: another process may hold what it kept
        }
        moveMemoryIntoStore(spent);
        if (kept.isPresent()) {
            long taken = kept.get().takeOverStopped();
            if (taken > 0) {
                keeping.lock();
                try {
                    keptCount.addAndGet(taken);
                } finally {
                    keeping.unlock();
                }
            }
        }
        while (!spent.getAsBoolean()) {
            boolean fromStore = keptCount.get() > 0;
            List<AuditEvent> batch;
            try {
                batch = fromStore ? kept.orElseThrow().oldest(FLUSH_BATCH)
                        : inMemory.stream().limit(FLUSH_BATCH).toList();
            } catch (RuntimeException unreadable) {
                LOG.log(System.Logger.Level.WARNING, "kept audit events cannot be read now: {0}",
                        unreadable.getMessage());
                return written.get();
            }
            if (batch.isEmpty()) {
                if (fromStore) {
                    // The store set lines aside that are no events (it said so): its own count is the truth. Read
                    // under keep's lock, so a keep finishing meanwhile is not counted out.
                    keeping.lock();
                    try {
                        keptCount.set(kept.orElseThrow().count());
                    } finally {
                        keeping.unlock();
                    }
                    if (keptCount.get() == 0) {
                        continue;
                    }
                }
                return written.get();
            }
            try {
                List<AuditEvent> toWrite = batch.stream().filter(event -> !alreadyWritten(event)).toList();
                if (!toWrite.isEmpty()) {
                    try {
                        history.appendAll(toWrite);
                    } catch (AttemptAlreadyEnded oneEndedMeanwhile) {
                        // Another writer ended an attempt between the look and the append: nothing of the batch was
                        // written; each is written alone, the second end left out.
                        appendEachButSecondEnds(toWrite);
                    }
                }
            } catch (RuntimeException stillUnavailable) {
                // The look-up before the append, or the append: either says why nothing moves (ADR 0141, session 50).
                noteFailure(stillUnavailable);
                return written.get();
            }
            tookOne();
            if (fromStore) {
                kept.orElseThrow().written(batch.size());
                keptCount.addAndGet(-batch.size());
            } else {
                for (int i = 0; i < batch.size(); i++) {
                    inMemory.poll();
                    inMemoryCount.decrementAndGet();
                }
            }
            written.addAndGet(batch.size());
        }
        return written.get();
    }

    /**
     * Moves what waits in memory into the store, oldest first, until none is left, a keep fails or {@code spent} says so
     * (ADR 0141, session 46): once the store keeps again, those events no longer die with the process, whether or not
     * the history takes appends. A keep at a time under {@link #keeping}, so a keep meanwhile goes behind those in
     * memory while any is left, and the order holds: everything in the store is older than what is in memory.
     */
    private void moveMemoryIntoStore(BooleanSupplier spent) {
        if (kept.isEmpty()) {
            return;
        }
        long moved = 0;
        while (inMemoryCount.get() > 0 && !spent.getAsBoolean()) {
            keeping.lock();
            try {
                AuditEvent oldest = inMemory.peek();
                if (oldest == null) {
                    break;
                }
                try {
                    kept.get().keep(oldest);
                } catch (RuntimeException cannot) {
                    LOG.log(System.Logger.Level.WARNING, "{0} audit event(s) still wait in this instance''s memory only: "
                            + "the store of kept events cannot keep them yet ({1})", inMemoryCount.get(),
                            cannot.getMessage());
                    break;
                }
                // Counted in the store before out of memory: waiting(), which reads memory first, never sees it in
                // neither, so a request's append never goes before it (ADR 0141, session 46).
                keptCount.incrementAndGet();
                inMemory.poll();
                inMemoryCount.decrementAndGet();
                moved++;
            } finally {
                keeping.unlock();
            }
        }
        if (moved > 0) {
            LOG.log(System.Logger.Level.WARNING, "{0} audit event(s) that waited in this instance''s memory only are "
                    + "kept in the store now; {1} still in memory", moved, inMemoryCount.get());
        }
    }

    /** Each alone, in order, unless written already; a second end of an attempt is left out (ADR 0142). */
    private void appendEachButSecondEnds(List<AuditEvent> events) {
        for (AuditEvent event : events) {
            if (alreadyWritten(event)) {
                continue;
            }
            try {
                history.append(event);
            } catch (AttemptAlreadyEnded ended) {
                secondEndNotWritten(event);
            }
        }
    }

    /** The history holds the attempt's end, written by another (the tracker, another instance): an attempt ends once. */
    private static void secondEndNotWritten(AuditEvent event) {
        LOG.log(System.Logger.Level.WARNING, "the {0} of attempt {1} ({2}) is not written: the history holds the "
                + "attempt''s final outcome already, written meanwhile by another writer (ADR 0142)",
                event.outcome().kind(), event.attemptId().orElse("?"), event.operation());
    }

    /** Whether the history holds {@code event} already, as {@link #appendUnlessRecorded} looks it up; throws when it cannot be read. */
    public boolean isRecorded(AuditEvent event) {
        return alreadyWritten(event);
    }

    /**
     * Appends now unless the history already has this very event (one whose append may have landed unconfirmed,
     * or was written by another writer); throws when the history cannot take it. Returns whether it appended.
     */
    public boolean appendUnlessRecorded(AuditEvent event) {
        if (alreadyWritten(event)) {
            return false;
        }
        history.append(event);
        return true;
    }

    /**
     * The events of {@code operation} under {@code requestId} the history holds now, newest first, at most a query's
     * page ({@link AuditQuery#MAX_LIMIT}); throws when the history cannot be read. What is kept to be written is not
     * among them.
     */
    public List<AuditEvent> recorded(RequestId requestId, Operation operation) {
        return history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).forRequest(requestId)
                        .withOperations(java.util.Set.of(operation)))
                .stream().map(RecordedAuditEvent::event).toList();
    }

    /**
     * The events of {@code operation} under {@code requestId} of {@code team} the history holds now, newest first, with
     * their places in its order, at most a query's page ({@link AuditQuery#MAX_LIMIT}); throws when the history cannot be
     * read. What is kept to be written is not among them. Of one team only: a request id may be the client's choice, and
     * another team's events under it are not this team's (ADR 0043, amended in session 49).
     */
    public List<RecordedAuditEvent> recordedInOrder(TeamId team, RequestId requestId, Operation operation) {
        return history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).forTeam(team).forRequest(requestId)
                .withOperations(java.util.Set.of(operation)));
    }

    /** How many events wait to be written (kept, and in memory). */
    public int waiting() {
        // Memory first: a move into the store counts the event there before it leaves memory, so read in this order
        // an event on its way is seen in one or both, never in neither (which let a newer event go before it).
        long inMemoryNow = inMemoryCount.get();
        return (int) Math.min(Integer.MAX_VALUE, keptCount.get() + inMemoryNow);
    }

    /** How many of {@link #waiting()} are in the store of kept events, durably: the count it keeps, no file read. */
    public long keptWaiting() {
        return keptCount.get();
    }

    /** How many of {@link #waiting()} are in this instance's memory only: lost if it stops before the history takes them. */
    public long inMemoryWaiting() {
        return inMemoryCount.get();
    }

    /**
     * When the event that has waited longest in the store of kept events happened, empty when none waits there: what
     * the store noted, no file read and no lock of the store (a scrape never waits behind a slow disk's keep).
     */
    public Optional<Instant> keptOldestOccurredAt() {
        return kept.flatMap(KeptAuditEvents::oldestOccurredAt);
    }

    /** When the event that has waited longest in this instance's memory happened, empty when none waits there. */
    public Optional<Instant> inMemoryOldestOccurredAt() {
        return Optional.ofNullable(inMemory.peek()).map(AuditEvent::occurredAt);
    }

    /**
     * An append whose commit was not confirmed may have landed, or a kept batch read again after a stop may have
     * been written: never write one event twice. Looked up by the event's own instant (stored to the microsecond),
     * with its attempt id, request id, team and outcome; an attempt's final outcome also by the attempt alone.
     */
    private boolean alreadyWritten(AuditEvent event) {
        if (event.attemptId().isEmpty() && event.detail().containsKey(AuditEvent.APPROVAL_OF)) {
            return isApprovalStepRecorded(event);
        }
        // A final outcome the reconciler wrote meanwhile from the operation's end: one final event per attempt.
        if (event.attemptId().isPresent() && event.outcome().kind().settlesAttempt() && history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT)
                        .forRequest(event.requestId()).withOperations(java.util.Set.of(event.operation())))
                .stream().map(RecordedAuditEvent::event)
                .anyMatch(e -> e.attemptId().equals(event.attemptId()) && e.outcome().kind().settlesAttempt())) {
            return true;
        }
        java.time.Instant stored = AuditChain.storedInstant(event.occurredAt());
        return history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).since(stored).until(stored.plusNanos(1000))
                        .withOperations(java.util.Set.of(event.operation())))
                .stream().map(RecordedAuditEvent::event)
                .anyMatch(e -> e.attemptId().equals(event.attemptId()) && e.outcome().equals(event.outcome())
                        && e.occurredAt().equals(stored) && e.requestId().equals(event.requestId())
                        && e.team().equals(event.team()));
    }

    /** An approval step's event (ADR 0040): one per step, named by the operation it is about and its own instant. */
    private boolean isApprovalStepRecorded(AuditEvent event) {
        String about = event.detail().get(AuditEvent.APPROVAL_OF);
        if (about == null) {
            return false;
        }
        java.time.Instant stored = AuditChain.storedInstant(event.occurredAt());
        return history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).forTeam(event.team()).since(stored)
                        .until(stored.plusNanos(1000)).withOperations(java.util.Set.of(event.operation())))
                .stream().map(RecordedAuditEvent::event)
                .anyMatch(e -> about.equals(e.detail().get(AuditEvent.APPROVAL_OF)) && e.outcome().equals(event.outcome())
                        && e.occurredAt().equals(stored));
    }
}
