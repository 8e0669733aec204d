package org.vpsrecovery.application.audit;

import java.util.OptionalLong;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.report.AuditEventPage;

/** The audit events a reader may see, filtered, newest first: a page at a time, or all of them as a stream. */
public interface ListAuditEventsUseCase {

    AuditEventPage listAuditEvents(AuditReader reader, AuditEventFilter filter, OptionalLong beforeSequence, int limit);

    /** The caller closes the stream. */
    AuditEventStream exportAuditEvents(AuditReader reader, AuditEventFilter filter);
}
