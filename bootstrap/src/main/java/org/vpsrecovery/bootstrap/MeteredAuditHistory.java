package org.vpsrecovery.bootstrap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.List;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.ServerId;

/** Times audit appends ({@code vpsr.audit.append}): every change waits on one before and one after the provider. */
public final class MeteredAuditHistory implements AuditHistory {

    private final AuditHistory history;
    private final Timer appends;

    public MeteredAuditHistory(AuditHistory history, MeterRegistry registry) {
        this.history = history;
        this.appends = Timer.builder("vpsr.audit.append")
                .description("Appending one event to the audit history")
                .publishPercentileHistogram()
                .register(registry);
    }

    @Override
    public RecordedAuditEvent append(AuditEvent event) {
        return appends.record(() -> history.append(event));
    }

    /** One wait, however many events it writes: the timer counts waits on the history, not events. */
    @Override
    public List<RecordedAuditEvent> appendAll(List<AuditEvent> events) {
        return appends.record(() -> history.appendAll(events));
    }

    @Override
    public List<RecordedAuditEvent> query(AuditQuery query) {
        return history.query(query);
    }

    @Override
    public List<RecordedAuditEvent> restoreEvents(ServerId server, Instant since, int limit) {
        return history.restoreEvents(server, since, limit);
    }

    @Override
    public List<RecordedAuditEvent> attemptEvents(ServerId server, RequestId request, Operation operation,
                                                  String attemptId, Instant since, int limit) {
        return history.attemptEvents(server, request, operation, attemptId, since, limit);
    }

    @Override
    public List<RecordedAuditEvent> attemptEvents(String attemptId, int limit) {
        return history.attemptEvents(attemptId, limit);
    }

    @Override
    public List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, int limit) {
        return history.pendingIntents(acceptedBefore, limit);
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
