package org.vpsrecovery.application.attempt;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.port.AuditHistory;

/**
 * Appends audit events, and keeps those the history cannot take now (database down or saturated)
 * to write them later, in order, instead of losing them or failing a caller whose change already
 * happened at the provider. {@link #flush()} is run on a schedule by every instance for its own
 * backlog. If the instance dies first, the intent is still in the history without an outcome, and
 * {@link ReconcilePendingIntentsService} establishes the outcome from the provider: nothing is lost
 * either way, only the provider's original answer (its HTTP status) is.
 */
public final class AuditWriter {

    private final AuditHistory history;
    private final ConcurrentLinkedQueue<AuditEvent> backlog = new ConcurrentLinkedQueue<>();
    private final ReentrantLock flushing = new ReentrantLock();

    public AuditWriter(AuditHistory history) {
        this.history = Objects.requireNonNull(history, "history");
    }

    /** Appends now, or throws: for intents, which must be on record before the provider is called. */
    public RecordedAuditEvent appendNow(AuditEvent event) {
        return history.append(event);
    }

    /**
     * Appends all now, in one batch where the history writes one (all or none), or throws: for ends that must be on
     * record before their operations are closed. After a failure some may be written: look before writing one again.
     */
    public List<RecordedAuditEvent> appendAllNow(List<AuditEvent> events) {
        return history.appendAll(events);
    }

    /** Appends now if the history takes it, else keeps it for {@link #flush()}; never throws for the history. */
    public void appendOrDefer(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        if (!backlog.isEmpty()) {
            // Keep this instance's events in order behind those already waiting.
            backlog.add(event);
            flush();
            return;
        }
        try {
            history.append(event);
        } catch (RecoveryException expected) {
            throw expected;
        } catch (RuntimeException unavailable) {
            // The scheduled flush reports the backlog; the caller's answer does not depend on it.
            backlog.add(event);
        }
    }

    /** Writes what waits, oldest first, until the history refuses again; returns how many were written. */
    public int flush() {
        if (!flushing.tryLock()) {
            return 0;
        }
        try {
            int written = 0;
            AuditEvent next;
            while ((next = backlog.peek()) != null) {
                try {
                    if (!alreadyWritten(next)) {
                        history.append(next);
                    }
                } catch (RuntimeException stillUnavailable) {
                    return written;
                }
                backlog.poll();
                written++;
            }
            return written;
        } finally {
            flushing.unlock();
        }
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

    public int waiting() {
        return backlog.size();
    }

    public List<AuditEvent> waitingEvents() {
        return new ArrayList<>(backlog);
    }

    /**
     * An append whose commit was not confirmed may have landed: never write one event twice. Looked
     * up by the event's own instant and attempt id, not its request id, which a client may reuse.
     */
    private boolean alreadyWritten(AuditEvent event) {
        if (event.attemptId().isEmpty()) {
            return isApprovalStepRecorded(event);
        }
        // A final outcome the reconciler wrote meanwhile from the operation's end: one final event per attempt.
        if (event.outcome().kind().settlesAttempt() && history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT)
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
                        && e.occurredAt().equals(AuditChain.storedInstant(event.occurredAt())));
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
