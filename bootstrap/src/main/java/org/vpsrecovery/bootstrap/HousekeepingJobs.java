package org.vpsrecovery.bootstrap;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.ReconcilePendingIntentsService;
import org.vpsrecovery.domain.port.IdempotencyRecords;

/**
 * The periodic work the request path leaves behind: closing intents whose answer was lost, and
 * reclaiming expired idempotency records (they already count as absent; this only frees space).
 * Every instance runs these; the server locks and the database make that safe.
 */
@Singleton
public class HousekeepingJobs {

    private static final Logger LOG = LoggerFactory.getLogger(HousekeepingJobs.class);

    private final ReconcilePendingIntentsService reconciler;
    private final IdempotencyRecords idempotencyRecords;
    private final AuditWriter auditWriter;

    public HousekeepingJobs(ReconcilePendingIntentsService reconciler, IdempotencyRecords idempotencyRecords,
                            AuditWriter auditWriter) {
        this.reconciler = reconciler;
        this.idempotencyRecords = idempotencyRecords;
        this.auditWriter = auditWriter;
    }

    /** This instance's own backlog of audit events the history could not take at the time. */
    @Scheduled(fixedDelay = "${vpsr.audit.backlog-flush-every:2s}", initialDelay = "2s")
    void writeDeferredAuditEvents() {
        int waiting = auditWriter.waiting();
        if (waiting == 0) {
            return;
        }
        int written = auditWriter.flush();
        if (written < waiting) {
            LOG.warn("the audit history is still unavailable; {} event(s) wait to be written", auditWriter.waiting());
        } else {
            LOG.info("wrote {} audit event(s) that had waited for the history", written);
        }
    }

    // The first round waits for the start-up to settle; tests that watch reconciliation shorten it.
    @Scheduled(fixedDelay = "${vpsr.reconcile.every:1m}", initialDelay = "${vpsr.reconcile.initial-delay:30s}")
    void reconcilePendingIntents() {
        try {
            int closed = reconciler.reconcile(100);
            if (closed > 0) {
                LOG.info("reconciled {} intents whose outcome was never recorded", closed);
            }
        } catch (RuntimeException e) {
            LOG.warn("reconciling pending intents failed; the next round tries again: {}", e.getMessage());
        }
    }

    @Scheduled(fixedDelay = "${vpsr.idempotency.purge-every:1h}", initialDelay = "1m")
    void purgeExpiredIdempotencyRecords() {
        try {
            idempotencyRecords.purgeExpired();
        } catch (RuntimeException e) {
            LOG.warn("purging expired idempotency records failed: {}", e.getMessage());
        }
    }
}
