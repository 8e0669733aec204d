package org.vpsrecovery.domain.testing;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.AuditHistory;

/** A history passing every call on to another: a test overrides the calls it interferes with (an outage, a race). */
public class ForwardingAuditHistory implements AuditHistory {

    private final AuditHistory history;

    public ForwardingAuditHistory(AuditHistory history) {
        this.history = Objects.requireNonNull(history, "history");
    }

    @Override
    public RecordedAuditEvent append(AuditEvent event) {
        return history.append(event);
    }

    @Override
    public List<RecordedAuditEvent> query(AuditQuery query) {
        return history.query(query);
    }

    @Override
    public List<AuditHistoryEntry> entries(AuditQuery query) {
        return history.entries(query);
    }

    @Override
    public List<AuditHistoryEntry> attemptEvents(String attemptId, int limit) {
        return history.attemptEvents(attemptId, limit);
    }

    @Override
    public List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, long afterSequence, int limit) {
        return history.pendingIntents(acceptedBefore, afterSequence, limit);
    }

    @Override
    public ChainVerification verifyChain() {
        return history.verifyChain();
    }

    @Override
    public ChainVerification verifyChainAfter(long sequence, ChainHash hash) {
        return history.verifyChainAfter(sequence, hash);
    }
}
