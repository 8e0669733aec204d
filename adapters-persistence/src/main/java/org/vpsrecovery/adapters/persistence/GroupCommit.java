package org.vpsrecovery.adapters.persistence;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.AttemptAlreadyEnded;

/**
 * Group commit of this instance's appends (ADRs 0005, 0049, 0109). Callers queue their event; whichever
 * caller takes the writer's turn writes everything queued so far as one batch (flat combining) and
 * answers all of the batch's callers together, each with its own result. The callers that arrive while
 * a batch commits form the next one: no timer, so a caller alone writes at once. The turn is given back
 * by the last of the batch's callers to run on past its answer, who then wakes the oldest queued caller
 * to take it: a caller answered with the others, slower than they to be run again, still finds the next
 * batch open (ADR 0109). The caller so woken lets that last leaver, not yet queued again, run first (a yield, no
 * clock), so its next event can join the batch rather than miss it (ADR 0111). Every caller returns only after its
 * own event is durable, or with its own failure.
 */
final class GroupCommit {

    /** Writes one batch in one transaction; returns the events as stored, in the batch's order. */
    @FunctionalInterface
    interface BatchWriter {
        List<RecordedAuditEvent> write(List<AuditEvent> batch) throws SQLException;

        /**
         * As {@link #write(List)}, and the writer may add {@code latecomers.get()} (events queued since the batch was
         * taken, in order) once, at the end of the batch, before it fixes the batch's chain: the stored events it
         * returns are the batch's, then those. Writers that cannot use them write the batch alone.
         */
        default List<RecordedAuditEvent> write(List<AuditEvent> batch, Supplier<List<AuditEvent>> latecomers)
                throws SQLException {
            return write(batch);
        }
    }

    /**
     * One caller's events (one, or several that go into one batch together) and, once its batch is done, what became
     * of them: the writer notes the outcome, then answers every caller of the batch together (sets {@code answered},
     * then wakes the caller).
     */
    private static final class Pending {
        final List<AuditEvent> events;
        final Thread caller = Thread.currentThread();
        // Written by the writer before answered is set, read by the caller after it saw answered: plain fields.
        List<RecordedAuditEvent> written;
        RuntimeException failure;
        volatile boolean answered;

        Pending(List<AuditEvent> events) {
            this.events = events;
        }

        boolean done() {
            return answered;
        }

        boolean noted() {
            return written != null || failure != null;
        }

        void succeeded(List<RecordedAuditEvent> recorded) {
            written = recorded;
        }

        void failed(RuntimeException why) {
            failure = why;
        }

    }

    private final BatchWriter writer;
    private final int maxBatch;
    private final Consumer<Thread> wake;
    private final Runnable letOthersRunFirst;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    /**
     * The writer's turn: one caller takes it and writes one batch; the last of that batch's callers to leave
     * {@link #append} gives it back. So the next batch is drained only once every caller answered has run on past its
     * answer, and a caller answered along with the others can queue its next event in time to join them, rather than
     * the first one woken writing a batch without the last (ADR 0109). No clock: only callers already answered are
     * waited for, and a caller alone takes the turn at once.
     */
    private final AtomicBoolean turnTaken = new AtomicBoolean();
    /** Callers of the last batch answered that have not yet left {@link #append}. */
    private final AtomicInteger stillLeaving = new AtomicInteger();
    /**
     * The caller that last gave the turn back (the last of its batch to leave), until it queues its next event: the
     * caller it woke to take the turn would otherwise drain the next batch before it, on the core it was woken on
     * (ADR 0109's count: 98 % of the batches of 7 of 8 lacked exactly its event). Null once it is back.
     */
    private volatile Thread lastLeaver;

    GroupCommit(BatchWriter writer, int maxBatch) {
        this(writer, maxBatch, LockSupport::unpark);
    }

    GroupCommit(BatchWriter writer, int maxBatch, Consumer<Thread> wake) {
        this(writer, maxBatch, wake, Thread::yield);
    }

    /**
     * @param wake              how a parked caller is woken: {@link LockSupport#unpark}; a test holds some wakes to
     *                          stand for a scheduler that runs the callers woken in its own order and time
     * @param letOthersRunFirst how a caller woken to take the turn lets the last leaver, still on its way back, run
     *                          before it: {@link Thread#yield}; a test's stands for a scheduler that runs it then
     */
    GroupCommit(BatchWriter writer, int maxBatch, Consumer<Thread> wake, Runnable letOthersRunFirst) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.wake = Objects.requireNonNull(wake, "wake");
        this.letOthersRunFirst = Objects.requireNonNull(letOthersRunFirst, "let others run first");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("a batch holds at least one event");
        }
        this.maxBatch = maxBatch;
    }

    RecordedAuditEvent append(AuditEvent event) {
        return appendAll(List.of(Objects.requireNonNull(event, "event"))).get(0);
    }

    /**
     * Appends {@code events} in their order, consecutive in one batch (one transaction with whatever else it holds):
     * all are written, or none. Returns them as stored, once durable.
     */
    List<RecordedAuditEvent> appendAll(List<AuditEvent> events) {
        List<AuditEvent> together = List.copyOf(events);
        if (together.isEmpty()) {
            return List.of();
        }
        Pending mine = new Pending(together);
        queue.add(mine);
        if (lastLeaver == mine.caller) {
            // Back, and queued: nobody need let this caller run first any more.
            lastLeaver = null;
        }
        boolean interrupted = false;
        boolean woken = false;
        try {
            while (!mine.done()) {
                if (woken) {
                    woken = false;
                    letTheLastLeaverRunFirst(mine.caller);
                }
                if (turnTaken.compareAndSet(false, true)) {
                    List<Pending> batch = drain();
                    if (batch.isEmpty()) {
                        // Nothing to write (cannot happen while our own event waits): the turn goes on at once.
                        giveBackTheTurn();
                    } else {
                        writeAndAnswer(batch);
                    }
                } else {
                    // Woken by our batch's writer, or to take the turn; a spurious wake just loops.
                    LockSupport.park(this);
                    // The event may already be on its way to the database: the wait goes on, the interrupt is kept.
                    interrupted |= Thread.interrupted();
                    woken = true;
                }
            }
        } finally {
            if (mine.done()) {
                leave();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.written;
    }

    /** How many events wait for a writer (for tests and diagnostics). */
    int waiting() {
        return queue.size();
    }

    /** One answered caller has run on past its answer; the last of its batch gives the writer's turn back. */
    private void leave() {
        if (stillLeaving.decrementAndGet() == 0) {
            // Noted before the turn is free: whoever it wakes sees it (ADR 0111).
            lastLeaver = Thread.currentThread();
            giveBackTheTurn();
        }
    }

    /**
     * A caller woken while its event still waits was woken to take the free turn by the last leaver of the batch
     * before, which has not queued its next event yet: woken, it would drain the next batch at once, before that
     * caller (often preempted by it) runs on, and the batch would miss exactly that one. So it yields once, letting
     * the last leaver queue and even take the turn itself; it then takes the turn if it is still free. No clock: one
     * yield, whether or not the last leaver comes back, and a caller alone is never woken to take the turn.
     */
    private void letTheLastLeaverRunFirst(Thread me) {
        // The turn read first: seen free, the give-back that freed it, and the leaver noted before it, are seen too.
        if (!turnTaken.get()) {
            Thread leaver = lastLeaver;
            if (leaver != null && leaver != me) {
                letOthersRunFirst.run();
            }
        }
    }

    /**
     * Whoever queued while the turn was taken found it taken and sleeps: wake the oldest to take it. No lost wake-up:
     * a caller queues before it tries the turn, and the turn is given back before the queue is looked at.
     */
    private void giveBackTheTurn() {
        turnTaken.set(false);
        Pending next = queue.peek();
        if (next != null) {
            wake.accept(next.caller);
        }
    }

    private List<Pending> drain() {
        return drainInto(new ArrayList<>());
    }

    /**
     * Moves queued callers into {@code batch} up to the batch's limit of events (a caller's events are never split;
     * a first caller is always taken); the queue's order is kept.
     */
    private List<Pending> drainInto(List<Pending> batch) {
        int events = batch.stream().mapToInt(pending -> pending.events.size()).sum();
        Pending next;
        while ((batch.isEmpty() || events + queueHeadSize() <= maxBatch) && (next = queue.poll()) != null) {
            batch.add(next);
            events += next.events.size();
        }
        return batch;
    }

    /** The events of the oldest queued caller; 0 when none waits. */
    private int queueHeadSize() {
        Pending head = queue.peek();
        return head == null ? 0 : head.events.size();
    }

    /** Writes {@code batch} (and the latecomers it takes), then answers all of its callers together. */
    private void writeAndAnswer(List<Pending> batch) {
        List<Pending> whole = new ArrayList<>(batch);
        try {
            write(whole, true);
        } catch (Error e) {
            // No caller may wait for ever on a batch whose writer died.
            for (Pending pending : whole) {
                if (!pending.noted()) {
                    pending.failed(new DatabaseFailure("could not append the audit event", e));
                }
            }
            answer(whole);
            throw e;
        }
        answer(whole);
    }

    /** Every caller of the batch is counted as leaving before any is woken: none can give the turn back early. */
    private void answer(List<Pending> whole) {
        stillLeaving.set(whole.size());
        for (Pending pending : whole) {
            pending.answered = true;
            if (pending.caller != Thread.currentThread()) {
                wake.accept(pending.caller);
            }
        }
    }

    /**
     * Writes {@code whole} and notes each caller's outcome; with {@code takesLatecomers} the writer may add what was
     * queued meanwhile (while it waited for another instance's hold on the chain head, say) to {@code whole}: those
     * callers then belong to this batch, its result theirs.
     */
    private void write(List<Pending> whole, boolean takesLatecomers) {
        List<AuditEvent> events = whole.stream().flatMap(p -> p.events.stream()).toList();
        Supplier<List<AuditEvent>> latecomers = () -> {
            if (!takesLatecomers) {
                return List.of();
            }
            int taken = whole.size();
            drainInto(whole);
            return whole.subList(taken, whole.size()).stream().flatMap(p -> p.events.stream()).toList();
        };
        List<RecordedAuditEvent> written;
        try {
            written = writer.write(events, latecomers);
        } catch (SQLException | RuntimeException e) {
            if (e instanceof BatchMaybeWritten) {
                // The batch may be on the chain: never told "not written", and not written again here one by one.
                for (Pending pending : whole) {
                    pending.failed(new DatabaseFailure("could not confirm the audit event's append (its batch of "
                            + whole.size() + " may have been written; look it up before writing it again): "
                            + e.getMessage(), e));
                }
                return;
            }
            if (whole.size() > 1 && refusedData(e)) {
                // One event the database refuses must not fail the others that shared its batch.
                for (Pending pending : List.copyOf(whole)) {
                    write(new ArrayList<>(List.of(pending)), false);
                }
                return;
            }
            // Nothing of the batch was written (one transaction): every caller is told so, each with its own
            // exception (callers add to theirs), around the one cause.
            for (Pending pending : whole) {
                pending.failed(secondEnd(e) ? new AttemptAlreadyEnded("", "an attempt's final outcome is on record "
                        + "already; its batch of " + whole.size() + " was not written (ADR 0142)")
                        : new DatabaseFailure("could not append the audit event (its batch of " + whole.size()
                        + " was not written): " + e.getMessage(), e));
            }
            return;
        }
        int from = 0;
        for (Pending pending : whole) {
            pending.succeeded(List.copyOf(written.subList(from, from + pending.events.size())));
            from += pending.events.size();
        }
    }

    /** V56's unique index on a final outcome's attempt id refused the batch: an attempt ends once (ADR 0142). */
    private static boolean secondEnd(Exception e) {
        return e instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState()) && sql.getMessage() != null
                && ONE_END_INDEXES.stream().anyMatch(sql.getMessage()::contains);
    }

    private static final String UNIQUE_VIOLATION = "23505";
    /**
     * V56's index under either of its names (a history with old attempts of two ends keeps V47's beside it), matched
     * without the quotes around it: a server whose {@code lc_messages} is not English quotes names its own way.
     */
    private static final List<String> ONE_END_INDEXES =
            List.of("audit_event_final_outcome_attempt", "audit_event_one_final_per_attempt");

    /** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): this data, not the database. */
    private static boolean refusedData(Exception e) {
        return e instanceof SQLException sql && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"));
    }
}
