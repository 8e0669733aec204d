package org.vpsrecovery.domain.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.audit.AuditEvent;

/**
 * Audit events the history could not take when they happened, kept outside it, in order, until they
 * are written (ADR 0141). Kept durably: what a process kept and did not write before it stopped, for
 * any reason, is there for the next process that uses the same store. One flushing thread at a time
 * reads ({@link #oldest}) and lets go ({@link #written}); any thread keeps.
 */
public interface KeptAuditEvents {

    /** Keeps {@code event} after those kept before it; kept durably when it returns, else it throws. */
    void keep(AuditEvent event);

    /** Up to {@code max} of the oldest events kept, oldest first; those of a process that stopped come first. */
    List<AuditEvent> oldest(int max);

    /** Lets go of the first {@code count} events {@link #oldest} last gave: they are in the history. */
    void written(int count);

    /** How many events are kept. */
    long count();

    /**
     * When the event that has waited longest happened (its {@link AuditEvent#occurredAt}), empty when nothing is kept:
     * with the service's clock, how long it has waited (ADR 0038, amended in session 44). Known without reading the
     * store and without waiting for a keep or a read under way: cheap enough for every metrics scrape. A store that
     * gives the events of several processes first-to-last per process gives the earliest of their first events.
     */
    Optional<Instant> oldestOccurredAt();

    /**
     * Takes over what processes that stopped since this store opened left kept (a rolling deploy stops an instance
     * after its replacement started); their events come before this process's own. Returns how many events it took.
     */
    long takeOverStopped();

    /**
     * Lets go of the store: what it still keeps is for the next process on the same store. Called by the writer only
     * when none of its calls is under way (ADR 0141, session 46): a store that let go while a flush still wrote its
     * events would let another process write them a second time.
     */
    default void close() {
    }
}
