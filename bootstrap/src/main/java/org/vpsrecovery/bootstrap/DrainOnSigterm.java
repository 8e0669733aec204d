package org.vpsrecovery.bootstrap;

import io.micronaut.context.ApplicationContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.attempt.AuditWriter;
import sun.misc.Signal;

/**
 * SIGTERM, the way orchestrators and systemd stop a service, ends in a graceful stop with exit code
 * 0 (the JVM's own handling would exit 143 and stop the HTTP server at once):
 * <ol>
 *   <li>readiness goes DOWN and new requests are answered 503 with Retry-After ({@link Drain});</li>
 *   <li>at the same time the job scheduler stops picking jobs and lets the runs under way end
 *       ({@link ClusterJobs#stop()}, bounded by its shutdown max wait);</li>
 *   <li>the requests in flight are answered, within the drain timeout (by default as long as a request's VPS.org
 *       calls may take, so that none is cut by the VPS.org client closing below); a long poll at once, as it stands
 *       ({@link Drain#whenBegun});</li>
 *   <li>the audit events this instance kept back are written, within {@link #KEPT_AUDIT_FLUSH_BUDGET}
 *       ({@link AuditWriter#flush(java.time.Duration)}); what is still kept then stays for the next start;</li>
 *   <li>then {@code System.exit(0)}: the shutdown hooks stop the HTTP server (Micronaut's graceful
 *       shutdown, {@code micronaut.lifecycle.graceful-shutdown}), the context and the embedded parts.</li>
 * </ol>
 * A second SIGTERM during the drain changes nothing; SIGKILL is the way to cut it short. ADR 0038.
 */
final class DrainOnSigterm {

    private static final Logger LOG = LoggerFactory.getLogger(DrainOnSigterm.class);

    private final ApplicationContext context;
    private final AtomicBoolean begun = new AtomicBoolean();
    /** The stop's whole time for writing kept audit events, a flush under way included: no batch starts after it. */
    private static final java.time.Duration KEPT_AUDIT_FLUSH_BUDGET = java.time.Duration.ofSeconds(10);

    private DrainOnSigterm(ApplicationContext context) {
        this.context = context;
    }

    static void install(ApplicationContext context) {
        DrainOnSigterm drain = new DrainOnSigterm(context);
        try {
            Signal.handle(new Signal("TERM"), signal -> drain.begin());
        } catch (IllegalArgumentException refused) {
            // The JVM keeps SIGTERM for itself (-Xrs, or a signal it already uses): a stop is then not drained.
            LOG.warn("SIGTERM cannot be handled here ({}): a stop will not drain first", refused.getMessage());
        }
    }

    private void begin() {
        if (!begun.compareAndSet(false, true)) {
            LOG.info("SIGTERM again: the drain already under way goes on");
            return;
        }
        Thread.ofPlatform().name("vps-recovery-drain").start(this::drainThenExit);
    }

    private void drainThenExit() {
        try {
            Drain drain = context.getBean(Drain.class);
            drain.begin();
            LOG.info("SIGTERM: draining (readiness DOWN, new requests answered 503), {} request(s) in flight",
                    drain.inFlight());
            CompletableFuture<Void> jobs = CompletableFuture.runAsync(() -> context.getBean(ClusterJobs.class).stop());
            int left = drain.awaitIdle();
            if (left > 0) {
                LOG.warn("drain timeout of {} reached with {} request(s) still in flight", drain.timeout(), left);
            }
            jobs.join();
            AuditWriter audit = context.getBean(AuditWriter.class);
            int waiting = audit.waiting();
            if (waiting > 0) {
                // A flush under way (the schedule's) is waited for, within the budget; what is still kept when it is
                // spent stays for the next start.
                int written = audit.flush(KEPT_AUDIT_FLUSH_BUDGET);
                LOG.info("wrote {} of {} audit event(s) kept back before stopping; {} stay kept for the next start",
                        written, waiting, audit.waiting());
            }
            LOG.info("drained; stopping");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("the drain did not finish ({}); stopping anyway", e.toString());
        }
        System.exit(0);
    }
}
