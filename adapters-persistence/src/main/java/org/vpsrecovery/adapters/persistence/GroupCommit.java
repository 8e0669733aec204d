package org.vpsrecovery.adapters.persistence;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;

/**
 * Group commit of this instance's appends (ADR 0005). Callers queue their event; whichever caller
 * holds the writer lock writes everything queued so far as one batch (flat combining) and completes
 * the others' results. Every caller returns only after its own event is written, or with why not.
 */
final class GroupCommit {

    /** Writes one batch in one transaction; returns the events as stored, in the batch's order. */
    @FunctionalInterface
    interface BatchWriter {
        List<RecordedAuditEvent> write(List<AuditEvent> batch) throws SQLException;
    }

    private record Pending(AuditEvent event, CompletableFuture<RecordedAuditEvent> result) {
    }

    private final BatchWriter writer;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

    GroupCommit(BatchWriter writer, int maxBatch) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.maxBatch = maxBatch;
    }

    RecordedAuditEvent append(AuditEvent event) {
        Pending mine = new Pending(event, new CompletableFuture<>());
        queue.add(mine);
        // The others wait for their own result, not for the writer lock, and take the lock only if
        // nobody is writing.
        boolean interrupted = false;
        while (!mine.result().isDone()) {
            if (writing.tryLock()) {
                try {
                    while (!mine.result().isDone()) {
                        write(drain());
                    }
                } finally {
                    writing.unlock();
                }
            } else {
                interrupted |= awaitBriefly(mine.result());
            }
        }
        if (interrupted) {
            // The append is durable or failed; the interrupt is the caller's to handle.
            Thread.currentThread().interrupt();
        }
        try {
            return mine.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new DatabaseFailure("could not append the audit event", e.getCause());
        } catch (InterruptedException e) {
            // Unreachable: the future is complete here.
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until the result is in, or a moment passes (the writer may have left before taking our
     * event). Returns whether the thread was interrupted; the wait goes on regardless, as the event
     * may already be in the database.
     */
    private static boolean awaitBriefly(CompletableFuture<RecordedAuditEvent> result) {
        try {
            result.get(1, TimeUnit.MILLISECONDS);
            return false;
        } catch (TimeoutException | ExecutionException ignored) {
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private List<Pending> drain() {
        List<Pending> batch = new ArrayList<>();
        Pending next;
        while (batch.size() < maxBatch && (next = queue.poll()) != null) {
            batch.add(next);
        }
        return batch;
    }

    private void write(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<RecordedAuditEvent> written;
        try {
            written = writer.write(batch.stream().map(Pending::event).toList());
        } catch (SQLException | RuntimeException e) {
            if (batch.size() > 1 && refusedData(e)) {
                // One event the database refuses must not fail the others that shared its batch.
                batch.forEach(pending -> write(List.of(pending)));
                return;
            }
            DatabaseFailure failure = new DatabaseFailure("could not append " + batch.size()
                    + " audit event(s): " + e.getMessage(), e);
            batch.forEach(p -> p.result().completeExceptionally(failure));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(written.get(i));
        }
    }

    /** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): this data, not the database. */
    private static boolean refusedData(Exception e) {
        return e instanceof SQLException sql && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"));
    }
}
