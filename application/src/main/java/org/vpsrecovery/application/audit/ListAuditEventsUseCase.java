package org.vpsrecovery.application.audit;

import java.util.OptionalLong;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.report.AuditEventPage;

/** The audit events a reader may see, filtered, newest first: a page at a time, or all of them as a stream. */
public interface ListAuditEventsUseCase {

    /** A page in one of the reader's page slots, refused at once when none is free (ADR 0062, session 56). */
    AuditEventPage listAuditEvents(AuditReader reader, AuditEventFilter filter, OptionalLong beforeSequence, int limit);

    /**
     * A page whose slot stays taken until the result is closed: the API records the read (an AUDIT_READ event, a
     * second pooled connection) inside the slot, so the slots bound both of a page's waits for the pool.
     */
    AuditReadSlots.Held<AuditEventPage> openAuditEventPage(AuditReader reader, AuditEventFilter filter,
                                                           OptionalLong beforeSequence, int limit);

    /** The caller closes the stream. */
    AuditEventStream exportAuditEvents(AuditReader reader, AuditEventFilter filter);
}
