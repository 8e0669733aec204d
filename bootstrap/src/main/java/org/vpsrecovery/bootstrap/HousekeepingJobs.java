package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.attempt.AuditWriter;

/**
 * The one job every instance runs for itself: writing the audit events it kept because the history
 * could not take them at the time (ADR 0141). They are in this instance's own folder of kept events
 * (and those of an instance that stopped, taken over at start), so no other instance writes them;
 * jobs over shared state run once across instances ({@link ClusterJobs}). Built when the context starts, so that a
 * wrong {@code vpsr.audit.backlog-flush-every} stops the start naming the key.
 */
@Context
public class HousekeepingJobs {

    private static final Logger LOG = LoggerFactory.getLogger(HousekeepingJobs.class);

    private final AuditWriter auditWriter;

    public HousekeepingJobs(AuditWriter auditWriter, @Value("${vpsr.audit.backlog-flush-every:2s}") Duration flushEvery) {
        // Micronaut's scheduler refuses a period that is not positive with no key named.
        StartupRefused.unlessPositive("vpsr.audit.backlog-flush-every", flushEvery);
        this.auditWriter = auditWriter;
    }

    @Scheduled(fixedDelay = "${vpsr.audit.backlog-flush-every:2s}", initialDelay = "2s")
    void writeDeferredAuditEvents() {
        // Flushed even when nothing of this instance's waits: an instance stopped since may have left events kept.
        int written = auditWriter.flush();
        if (written == 0 && auditWriter.waiting() == 0) {
            return;
        }
        if (auditWriter.waiting() > 0) {
            LOG.warn("the audit history is still unavailable; {} event(s) wait to be written", auditWriter.waiting());
        } else {
            LOG.info("wrote {} audit event(s) that had waited for the history", written);
        }
    }
}
