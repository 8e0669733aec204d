package org.vpsrecovery.adapters.persistence;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;

/**
 * Group commit of this instance's appends (ADRs 0005, 0049, 0104). Callers queue their event; whichever
 * caller holds the writer lock commits everything queued so far as one batch (flat combining), then
 * leaves the lock to the next queued caller and, outside it, waits for its batch's flush and wakes each
 * caller of the batch with its own result: the next batch's statement runs while this one's flush is
 * awaited. At most {@link #BATCHES_IN_FLIGHT} batches are between their statement and their answer, and
 * batches are answered in the order they committed, each only after every earlier one was answered. The
 * callers that arrive meanwhile form the next batch: no timer, so a caller alone writes at once. Every
 * caller returns only after its own event is durable, or with its own failure.
 */
final class GroupCommit {

    /**
     * How many batches may be committed and not yet answered, the one being written included: one flush awaited while
     * the next batch's statement runs (ADR 0104).
     */
    static final int BATCHES_IN_FLIGHT = 2;

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

        /**
         * As {@link #write(List, Supplier)}, but may return once the batch is committed and before it is durable: its
         * callers hear of it only when {@link Committed#awaitDurable()} returns, which the group commit calls outside
         * its writer lock, while the next batch is written.
         */
        default Committed commit(List<AuditEvent> batch, Supplier<List<AuditEvent>> latecomers) throws SQLException {
            return Committed.durable(write(batch, latecomers));
        }
    }

    /** A committed batch: the events as stored, durable once {@link #awaitDurable()} returned. */
    interface Committed {
        List<RecordedAuditEvent> written();

        /**
         * Returns once the batch is on disk; throws when that could not be established (the batch may be durable or
         * not). Called once; frees whatever the batch still holds (its connection) either way.
         */
        void awaitDurable() throws SQLException;

        /** A batch already durable when committed. */
        static Committed durable(List<RecordedAuditEvent> written) {
            return new Committed() {
                @Override
                public List<RecordedAuditEvent> written() {
                    return written;
                }

                @Override
                public void awaitDurable() {
                }
            };
        }
    }

    /** One caller's event and, once its batch is done, what became of it (set once, then the caller is woken). */
    private static final class Pending {
        final AuditEvent event;
        final Thread caller = Thread.currentThread();
        /** Taken into a batch by a writer: its caller waits for the answer, it no longer writes for it. */
        volatile boolean taken;
        volatile RecordedAuditEvent written;
        volatile RuntimeException failure;

        Pending(AuditEvent event) {
            this.event = event;
        }

        boolean done() {
            return written != null || failure != null;
        }

        void succeeded(RecordedAuditEvent recorded) {
            written = recorded;
            wake();
        }

        void failed(RuntimeException why) {
            failure = why;
            wake();
        }

        void wake() {
            if (caller != Thread.currentThread()) {
                LockSupport.unpark(caller);
            }
        }
    }

    /** A batch taken from the queue, its place in the answering order, and what became of it. */
    private final class Batch {
        final long ticket;
        final List<Pending> callers;
        /** Set when the writer committed it; its callers are answered after its flush. */
        Committed committed;
        /** Set when nothing of it was written; its callers are answered with it. */
        Exception failure;
        /** Set when its callers were answered already (each event of a refused batch written alone). */
        boolean answered;

        Batch(long ticket, List<Pending> callers) {
            this.ticket = ticket;
            this.callers = callers;
        }

        /**
         * Outside the writer lock: waits for the flush, then for every earlier batch's answer, and answers this one's
         * callers; frees its place in flight whatever happens.
         */
        void finish() {
            try {
                if (committed != null) {
                    try {
                        committed.awaitDurable();
                    } catch (SQLException | RuntimeException e) {
                        // Committed, its flush not confirmed: an unknown outcome (as a COMMIT whose answer is lost),
                        // the events may be on the chain; nobody is told they are durable.
                        committed = null;
                        failure = new DatabaseFailure("the audit event's batch of " + callers.size()
                                + " was committed but its flush to disk failed; it may or may not be recorded: "
                                + e.getMessage(), e);
                    } catch (Error e) {
                        committed = null;
                        failure = new DatabaseFailure("could not append the audit event", e);
                        answerInTurn();
                        throw e;
                    }
                }
                answerInTurn();
            } finally {
                inFlight.release();
            }
        }

        private void answerInTurn() {
            awaitTurn(ticket);
            try {
                if (answered) {
                    return;
                }
                if (committed != null) {
                    List<RecordedAuditEvent> written = committed.written();
                    for (int i = 0; i < callers.size(); i++) {
                        callers.get(i).succeeded(written.get(i));
                    }
                } else {
                    // Each caller is told with an exception of its own (callers add to theirs), around the one cause.
                    String why = failure instanceof DatabaseFailure ? failure.getMessage()
                            : "could not append the audit event (its batch of " + callers.size()
                                    + " was not written): " + failure.getMessage();
                    Throwable cause = failure instanceof DatabaseFailure ? failure.getCause() : failure;
                    for (Pending pending : callers) {
                        pending.failed(new DatabaseFailure(why, cause));
                    }
                }
                answered = true;
            } finally {
                answeredInTurn(ticket);
            }
        }
    }

    private final BatchWriter writer;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();
    private final Semaphore inFlight = new Semaphore(BATCHES_IN_FLIGHT);
    /** The last batch's ticket; guarded by {@link #writing}. */
    private long ticketsIssued;
    private final ReentrantLock answering = new ReentrantLock();
    private final Condition answeredOne = answering.newCondition();
    /** Every batch up to this ticket was answered; guarded by {@link #answering}. */
    private long answeredThrough;

    GroupCommit(BatchWriter writer, int maxBatch) {
        this.writer = Objects.requireNonNull(writer, "writer");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("a batch holds at least one event");
        }
        this.maxBatch = maxBatch;
    }

    RecordedAuditEvent append(AuditEvent event) {
        Pending mine = new Pending(Objects.requireNonNull(event, "event"));
        queue.add(mine);
        boolean interrupted = false;
        while (!mine.done()) {
            if (!mine.taken && writing.tryLock()) {
                Batch batch = null;
                try {
                    if (!mine.taken) {
                        batch = commitNext();
                    }
                } finally {
                    writing.unlock();
                }
                // Whoever queued while we wrote found the lock taken and sleeps: wake the oldest to write next, while
                // this batch's flush is awaited.
                Pending next = queue.peek();
                if (next != null) {
                    LockSupport.unpark(next.caller);
                }
                if (batch != null) {
                    batch.finish();
                }
            } else {
                // Woken by our batch's writer, or to become the writer; a spurious wake just loops.
                LockSupport.park(this);
                // The event may already be on its way to the database: the wait goes on, the interrupt is kept.
                interrupted |= Thread.interrupted();
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

    /** Moves queued events into {@code batch} up to the batch's limit; the queue's order is kept. */
    private List<Pending> drainInto(List<Pending> batch) {
        Pending next;
        while (batch.size() < maxBatch && (next = queue.poll()) != null) {
            next.taken = true;
            batch.add(next);
        }
        return batch;
    }

    /**
     * Under the writer lock: once a place in flight is free, commits what is queued as the next batch (what was
     * queued meanwhile may join it while the writer waits on another instance's hold on the chain head).
     */
    private Batch commitNext() {
        inFlight.acquireUninterruptibly();
        Batch batch = new Batch(++ticketsIssued, drainInto(new ArrayList<>()));
        Supplier<List<AuditEvent>> latecomers = () -> {
            int taken = batch.callers.size();
            drainInto(batch.callers);
            return batch.callers.subList(taken, batch.callers.size()).stream().map(p -> p.event).toList();
        };
        try {
            batch.committed = writer.commit(batch.callers.stream().map(p -> p.event).toList(), latecomers);
        } catch (Error e) {
            // No caller may wait for ever on a batch whose writer died.
            batch.failure = new DatabaseFailure("could not append the audit event", e);
            batch.finish();
            throw e;
        } catch (SQLException | RuntimeException e) {
            if (batch.callers.size() > 1 && refusedData(e)) {
                // One event the database refuses must not fail the others that shared its batch: after every earlier
                // batch was answered, each is written alone and answered at once (rare: no pipeline).
                awaitTurn(batch.ticket);
                batch.callers.forEach(this::writeAlone);
                batch.answered = true;
            } else {
                // Nothing of the batch was written (one transaction): every caller is told so.
                batch.failure = e;
            }
        }
        return batch;
    }

    private void writeAlone(Pending pending) {
        try {
            Committed alone = writer.commit(List.of(pending.event), List::of);
            try {
                alone.awaitDurable();
            } catch (SQLException | RuntimeException e) {
                pending.failed(new DatabaseFailure("the audit event was committed but its flush to disk failed; it may"
                        + " or may not be recorded: " + e.getMessage(), e));
                return;
            }
            pending.succeeded(alone.written().getFirst());
        } catch (SQLException | RuntimeException e) {
            pending.failed(new DatabaseFailure("could not append the audit event (its batch of 1 was not written): "
                    + e.getMessage(), e));
        } catch (Error e) {
            pending.failed(new DatabaseFailure("could not append the audit event", e));
            throw e;
        }
    }

    /** Waits until every batch before {@code ticket} was answered. */
    private void awaitTurn(long ticket) {
        answering.lock();
        try {
            while (answeredThrough < ticket - 1) {
                answeredOne.awaitUninterruptibly();
            }
        } finally {
            answering.unlock();
        }
    }

    private void answeredInTurn(long ticket) {
        answering.lock();
        try {
            answeredThrough = Math.max(answeredThrough, ticket);
            answeredOne.signalAll();
        } finally {
            answering.unlock();
        }
    }

    /** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): this data, not the database. */
    private static boolean refusedData(Exception e) {
        return e instanceof SQLException sql && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"));
    }
}
