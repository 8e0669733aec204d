package org.vpsrecovery.domain.audit;

/**
 * A stored row of the audit history as this release reads it: an event it knows ({@link RecordedAuditEvent}), or one a
 * later release wrote under a name this release does not know, whose hash holds ({@link LaterReleaseEvent}). Pages and
 * exports hand out both, in sequence order (ADR 0005, amended in session 49).
 */
public sealed interface AuditHistoryEntry permits RecordedAuditEvent, LaterReleaseEvent {

    /** The row's position in the chain. */
    long sequence();
}
