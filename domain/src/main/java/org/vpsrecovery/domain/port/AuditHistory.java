package org.vpsrecovery.domain.port;

import java.util.List;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;

/** The append-only audit history. Nothing in it is ever changed or removed. */
public interface AuditHistory {

    /** Appends one event durably and returns it with its position; positions only grow. */
    RecordedAuditEvent append(AuditEvent event);

    /** Events matching the query, newest (highest sequence) first, at most {@code query.limit()}. */
    List<RecordedAuditEvent> query(AuditQuery query);
}
