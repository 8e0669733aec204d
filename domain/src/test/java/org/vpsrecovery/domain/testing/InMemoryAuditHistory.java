package org.vpsrecovery.domain.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.AuditHistory;

/** A real, in-memory audit history for application tests and the port contract suite. */
public final class InMemoryAuditHistory implements AuditHistory {

    private final List<RecordedAuditEvent> events = new ArrayList<>();

    @Override
    public synchronized RecordedAuditEvent append(AuditEvent event) {
        RecordedAuditEvent recorded = new RecordedAuditEvent(events.size() + 1L, event);
        events.add(recorded);
        return recorded;
    }

    @Override
    public synchronized List<RecordedAuditEvent> query(AuditQuery query) {
        return events.stream()
                .filter(query::matches)
                .sorted(Comparator.comparingLong(RecordedAuditEvent::sequence).reversed())
                .limit(query.limit())
                .toList();
    }

    public synchronized List<AuditEvent> all() {
        return events.stream().map(RecordedAuditEvent::event).toList();
    }
}
