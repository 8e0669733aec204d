package org.vpsrecovery.adapters.persistence;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;

/**
 * Group commit of this instance's appends (ADRs 0005, 0049). Callers queue their event; whichever
 * caller holds the writer lock writes everything queued so far as one batch (flat combining), wakes
 * each caller of the batch with its own result, and goes on until its own event is written. The
 * callers that arrive while a batch commits form the next one: no timer, so a caller alone writes at
 * once. When the writer leaves with events still queued it wakes the oldest one's caller to write
 * them next. Every caller returns only after its own event is durable, or with its own failure.
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

    /** One caller's event and, once its batch is done, what became of it (set once, then the caller is woken). */
    private static final class Pending {
        final AuditEvent event;
        final Thread caller = Thread.currentThread();
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

    private final BatchWriter writer;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

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
            if (writing.tryLock()) {
                try {
                    while (!mine.done()) {
                        write(drain());
                    }
                } finally {
                    writing.unlock();
                }
                // Whoever queued while we wrote found the lock taken and sleeps: wake the oldest to write next.
                Pending next = queue.peek();
                if (next != null) {
                    LockSupport.unpark(next.caller);
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

    private List<Pending> drain() {
        return drainInto(new ArrayList<>());
    }

    /** Moves queued events into {@code batch} up to the batch's limit; the queue's order is kept. */
    private List<Pending> drainInto(List<Pending> batch) {
        Pending next;
        while (batch.size() < maxBatch && (next = queue.poll()) != null) {
            batch.add(next);
        }
        return batch;
    }

    private void write(List<Pending> batch) {
        write(batch, true);
    }

    /**
     * Writes {@code batch}; with {@code takesLatecomers} the writer may add what was queued meanwhile (while it waited
     * for another instance's hold on the chain head, say): those callers then belong to this batch, its result theirs.
     */
    private void write(List<Pending> batch, boolean takesLatecomers) {
        if (batch.isEmpty()) {
            return;
        }
        List<Pending> whole = new ArrayList<>(batch);
        Supplier<List<AuditEvent>> latecomers = () -> {
            if (!takesLatecomers) {
                return List.of();
            }
            int taken = whole.size();
            drainInto(whole);
            return whole.subList(taken, whole.size()).stream().map(p -> p.event).toList();
        };
        List<RecordedAuditEvent> written;
        try {
            written = writer.write(batch.stream().map(p -> p.event).toList(), latecomers);
        } catch (Error e) {
            // No caller may wait for ever on a batch whose writer died.
            whole.forEach(pending -> pending.failed(new DatabaseFailure("could not append the audit event", e)));
            throw e;
        } catch (SQLException | RuntimeException e) {
            if (whole.size() > 1 && refusedData(e)) {
                // One event the database refuses must not fail the others that shared its batch.
                whole.forEach(pending -> write(List.of(pending), false));
                return;
            }
            // Nothing of the batch was written (one transaction): every caller is told so, each with its own
            // exception (callers add to theirs), around the one cause.
            for (Pending pending : whole) {
                pending.failed(new DatabaseFailure("could not append the audit event (its batch of " + whole.size()
                        + " was not written): " + e.getMessage(), e));
            }
            return;
        }
        for (int i = 0; i < whole.size(); i++) {
            whole.get(i).succeeded(written.get(i));
        }
    }

    /** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): this data, not the database. */
    private static boolean refusedData(Exception e) {
        return e instanceof SQLException sql && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"));
    }
}
