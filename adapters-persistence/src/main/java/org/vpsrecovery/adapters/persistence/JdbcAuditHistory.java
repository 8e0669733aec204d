package org.vpsrecovery.adapters.persistence;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.webhook.WebhookOutbox;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.WebhookMessageFormat;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The audit history in PostgreSQL (table {@code audit_event}, migration V1), in four parts: the
 * {@link GroupCommit} queue batches this instance's appends; the {@link ChainedAuditWriter} puts a
 * batch on the chain under the head row lock, with the webhook deliveries it causes
 * ({@link WebhookOutbox}); {@link AuditEventRows} reads pages and pending intents (Micronaut Data);
 * the {@link ChainVerifier} walks the chain.
 */
public final class JdbcAuditHistory implements AuditHistory {

    /** Upper bound on events per append transaction, to keep the head lock short. */
    public static final int MAX_BATCH = 500;

    private final GroupCommit appends;
    private final AuditEventRows reader;
    private final ChainVerifier verifier;

    /**
     * @param dataSource the pool itself ({@link PostgresAdapterFactory#pooled}): the writer and the
     *                   verifier take, commit and return their own connections
     */
    public JdbcAuditHistory(DataSource dataSource, AuditEventRows rows, WebhookMessageFormat messageFormat) {
        this(dataSource, rows, messageFormat, ChainedAuditWriter.DEFAULT_LOCK_TIMEOUT);
    }

    /**
     * @param lockTimeout the pool's sessions' {@code lock_timeout}: the writer waits for an answer at most this long and
     *                    a margin (ADR 0023, amended in session 42)
     */
    public JdbcAuditHistory(DataSource dataSource, AuditEventRows rows, WebhookMessageFormat messageFormat,
                            Duration lockTimeout) {
        Objects.requireNonNull(dataSource, "data source");
        this.appends = new GroupCommit(new ChainedAuditWriter(dataSource, new WebhookOutbox(messageFormat),
                Objects.requireNonNull(lockTimeout, "lock timeout")), MAX_BATCH);
        this.reader = Objects.requireNonNull(rows, "rows");
        this.verifier = new ChainVerifier(dataSource);
    }

    @Override
    public RecordedAuditEvent append(AuditEvent event) {
        return appends.append(AuditChain.asStored(Objects.requireNonNull(event, "event")));
    }

    /** In one batch of the group commit: one statement, one transaction, one flush for all of them (ADR 0116). */
    @Override
    public List<RecordedAuditEvent> appendAll(List<AuditEvent> events) {
        return appends.appendAll(events.stream().map(event -> AuditChain.asStored(Objects.requireNonNull(event, "event")))
                .toList());
    }

    @Override
    public List<RecordedAuditEvent> query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        return reader.page(query.filter(), query.beforeSequence(), query.limit());
    }

    @Override
    public List<AuditHistoryEntry> entries(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        return reader.entries(query.filter(), query.beforeSequence(), query.limit());
    }

    @Override
    public List<RecordedAuditEvent> restoreEvents(ServerId server, Instant since, int limit) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(since, "since");
        return reader.restoreEvents(server, since, limit);
    }

    @Override
    public List<RecordedAuditEvent> attemptEvents(ServerId server, RequestId request, Operation operation,
                                                  String attemptId, Instant since, int limit) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(attemptId, "attempt id");
        Objects.requireNonNull(since, "since");
        AuditHistory.requireAttemptLimit(limit);
        return reader.attemptEvents(server, request, operation, attemptId, since, limit);
    }

    @Override
    public List<AuditHistoryEntry> attemptEvents(String attemptId, int limit) {
        Objects.requireNonNull(attemptId, "attempt id");
        AuditHistory.requireAttemptLimit(limit);
        return reader.attemptEvents(attemptId, limit);
    }

    @Override
    public List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, long afterSequence, int limit) {
        Objects.requireNonNull(acceptedBefore, "accepted before");
        AuditHistory.requirePendingLimit(limit);
        return reader.pendingIntents(acceptedBefore, afterSequence, limit);
    }

    @Override
    public ChainVerification verifyChain() {
        return verifier.verify();
    }

    @Override
    public ChainVerification verifyChainAfter(long sequence, ChainHash hash) {
        Objects.requireNonNull(hash, "hash");
        return verifier.verifyAfter(sequence, hash);
    }
}
