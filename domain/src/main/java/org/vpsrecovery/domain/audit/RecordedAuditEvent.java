package org.vpsrecovery.domain.audit;

import java.util.Objects;

/** An event as the history holds it: its position in the append order (1, 2, 3, ...). */
public record RecordedAuditEvent(long sequence, AuditEvent event) implements AuditHistoryEntry {

    public RecordedAuditEvent {
        Objects.requireNonNull(event, "event");
        if (sequence <= 0) {
            throw new IllegalArgumentException("sequence must be positive");
        }
    }
}
