package org.vpsrecovery.bootstrap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.port.AttemptAlreadyEnded;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Times audit appends ({@code vpsr.audit.append}): every change waits on one before and one after the provider. Each
 * is tagged with its {@link AppendOutcome}, so failed appends show on {@code /prometheus} while readiness stays UP
 * (ADR 0038, amended in session 43). Every outcome has the percentile histogram: Prometheus takes one type per name,
 * and a {@code written} histogram beside {@code failed} summaries breaks the scrape (micrometer#5150); every outcome's
 * series is there from the start, at 0.
 */
public final class MeteredAuditHistory implements AuditHistory {

    static final String NAME = "vpsr.audit.append";

    /** How an append ended, the {@code outcome} tag. */
    enum AppendOutcome {
        /** The history holds the events. */
        WRITTEN("written"),
        /** The history refused them as the domain expects ({@link AttemptAlreadyEnded}): nothing is lost. */
        REFUSED("refused"),
        /** Anything else (database out of reach, a bug): the events are not written; a writer may keep them. */
        FAILED("failed");

        private final String tag;

        AppendOutcome(String tag) {
            this.tag = tag;
        }

        String tag() {
            return tag;
        }

        /** The outcome of an append that threw {@code failure}. */
        static AppendOutcome of(Throwable failure) {
            return failure instanceof AttemptAlreadyEnded ? REFUSED : FAILED;
        }
    }

    private final AuditHistory history;
    private final MeterRegistry registry;
    private final Timer written;
    private final Timer refused;
    private final Timer failed;

    public MeteredAuditHistory(AuditHistory history, MeterRegistry registry) {
        this.history = history;
        this.registry = registry;
        // All three from the start, each at 0: a series that first appears at 1 is never counted by rate() or
        // increase(), so an instance's first, short outage would not show in an alert.
        this.written = timer(AppendOutcome.WRITTEN);
        this.refused = timer(AppendOutcome.REFUSED);
        this.failed = timer(AppendOutcome.FAILED);
    }

    private Timer timer(AppendOutcome outcome) {
        return Timer.builder(NAME)
                .description("Appending events to the audit history, by outcome")
                .tag("outcome", outcome.tag())
                .publishPercentileHistogram()
                .register(registry);
    }

    @Override
    public RecordedAuditEvent append(AuditEvent event) {
        return timed(() -> history.append(event));
    }

    /** One wait, however many events it writes: the timer counts waits on the history, not events. */
    @Override
    public List<RecordedAuditEvent> appendAll(List<AuditEvent> events) {
        return timed(() -> history.appendAll(events));
    }

    private <T> T timed(Supplier<T> append) {
        Timer.Sample sample = Timer.start(registry);
        T stored;
        try {
            stored = append.get();
        } catch (RuntimeException | Error failure) {
            sample.stop(AppendOutcome.of(failure) == AppendOutcome.REFUSED ? refused : failed);
            throw failure;
        }
        sample.stop(written);
        return stored;
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
    public List<RecordedAuditEvent> restoreEvents(ServerId server, Instant since, int limit) {
        return history.restoreEvents(server, since, limit);
    }

    @Override
    public List<RecordedAuditEvent> attemptEvents(ServerId server, RequestId request, Operation operation,
                                                  String attemptId, Instant since, int limit) {
        return history.attemptEvents(server, request, operation, attemptId, since, limit);
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
