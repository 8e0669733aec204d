package org.vpsrecovery.bootstrap;

import io.micronaut.context.ApplicationContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.attempt.AuditWriter;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM, the way orchestrators and systemd stop a service, and SIGINT (Ctrl-C, {@code kill -INT}, some supervisors'
 * stop signal) end in the same graceful stop with exit code 0 (the JVM's own handling would exit 143 or 130 and stop
 * the HTTP server at once, cutting a VPS.org call under way):
 * <ol>
 *   <li>readiness goes DOWN and new requests are answered 503 with Retry-After ({@link Drain});</li>
 *   <li>at the same time the job scheduler stops picking jobs and lets the runs under way end
 *       ({@link ClusterJobs#stop()}, bounded by its shutdown max wait);</li>
 *   <li>the requests in flight are answered, within the drain timeout (by default as long as a request's VPS.org
 *       calls may take, so that none is cut by the VPS.org client closing below); a long poll at once, as it stands
 *       ({@link Drain#whenBegun}); a streamed answer (the CSV export, a large summary) until its body has ended or its
 *       client has gone, and one still sending at the timeout is cut, the WARN saying how many (session 56);</li>
 *   <li>the audit events this instance kept back are written, within {@link #KEPT_AUDIT_FLUSH_BUDGET}
 *       ({@link AuditWriter#flush(java.time.Duration)}); what is still kept then stays for the next start, and
 *       what waited in memory only is said lost in an ERROR;</li>
 *   <li>then {@code System.exit(0)}: the shutdown hooks stop the HTTP server (Micronaut's graceful
 *       shutdown, {@code micronaut.lifecycle.graceful-shutdown}), the context and the embedded parts; the store of
 *       kept audit events is let go by {@link AuditWriter#close()}, never under the flush above if it is still
 *       under way (then at its end, or with the process: ADR 0141, session 46).</li>
 * </ol>
 * A second stop signal during the drain, either of them, changes nothing; SIGKILL is the way to cut it short. A signal
 * the process was started with ignored (a background job of a shell without job control) stays ignored, as the JVM
 * leaves it. ADR 0038, amended in session 47.
 */
final class DrainOnStopSignal {

    private static final Logger LOG = LoggerFactory.getLogger(DrainOnStopSignal.class);

    /** The signals that ask this process to stop, each drained the same way: SIGTERM, SIGINT. */
    static final List<String> STOP_SIGNALS = List.of("TERM", "INT");

    private final ApplicationContext context;
    private final AtomicBoolean begun = new AtomicBoolean();
    /** The stop's whole time for writing kept audit events, a flush under way included: no batch starts after it. */
    private static final java.time.Duration KEPT_AUDIT_FLUSH_BUDGET = java.time.Duration.ofSeconds(10);

    private DrainOnStopSignal(ApplicationContext context) {
        this.context = context;
    }

    static void install(ApplicationContext context) {
        install(context, Signal::handle);
    }

    /**
     * As above, each handler set by {@code handling}, which answers the handler it replaces ({@link Signal#handle};
     * {@link SignalHandler#SIG_IGN} for a signal ignored at the start, where the JVM sets none) or throws
     * {@link IllegalArgumentException} for a signal the JVM keeps.
     */
    static void install(ApplicationContext context, BiFunction<Signal, SignalHandler, SignalHandler> handling) {
        DrainOnStopSignal drain = new DrainOnStopSignal(context);
        for (String name : STOP_SIGNALS) {
            try {
                if (handling.apply(new Signal(name), drain::begin) == SignalHandler.SIG_IGN) {
                    // The JVM installs nothing for a signal ignored at its start, and neither does this.
                    LOG.info("SIG{} was ignored when this process started and stays ignored: it will not stop it", name);
                }
            } catch (IllegalArgumentException refused) {
                // The JVM keeps the signal for itself (-Xrs, or a signal it already uses): a stop is then not drained.
                LOG.warn("SIG{} cannot be handled here ({}): a stop by it will not drain first", name,
                        refused.getMessage());
            }
        }
    }

    private void begin(Signal signal) {
        String name = "SIG" + signal.getName();
        if (!begun.compareAndSet(false, true)) {
            LOG.info("{} during the drain: the drain already under way goes on (SIGKILL cuts it short)", name);
            return;
        }
        Thread.ofPlatform().name("vps-recovery-drain").start(() -> drainThenExit(name));
    }

    private void drainThenExit(String signal) {
        try {
            drain(signal, context.getBean(Drain.class), () -> context.getBean(ClusterJobs.class).stop(),
                    () -> context.getBean(AuditWriter.class));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("the drain did not finish ({}); stopping anyway", e.toString());
        }
        System.exit(0);
    }

    /**
     * Steps 1 to 4 above: {@code stopJobs} runs beside the wait for the requests in flight; the kept audit events are
     * written whatever the jobs' stop ended in (its failure is logged, not let skip the flush and its ERROR for the
     * events in memory only).
     */
    static void drain(String signal, Drain drain, Runnable stopJobs, java.util.function.Supplier<AuditWriter> audit)
            throws InterruptedException {
        drain.begin();
        LOG.info("{}: draining (readiness DOWN, new requests answered 503), {} request(s) in flight", signal,
                drain.inFlight());
        CompletableFuture<Void> jobs = CompletableFuture.runAsync(stopJobs);
        Drain.Left left = drain.awaitIdle();
        if (left.requests() > 0) {
            LOG.warn("drain timeout of {} reached with {} request(s) still in flight, {} of them streamed answer(s) "
                    + "still sending their body (an audit export or summary): cut by this stop, their clients get no end",
                    drain.timeout(), left.requests(), left.sendingBody());
        }
        try {
            jobs.join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            LOG.warn("the jobs' stop did not end cleanly ({}); writing the kept audit events anyway",
                    e.getCause() == null ? e.toString() : e.getCause().toString());
        }
        writeKeptAuditEvents(audit.get(), KEPT_AUDIT_FLUSH_BUDGET);
        LOG.info("drained; stopping");
    }

    /**
     * Writes the audit events {@code audit} kept back, within {@code budget}, and says what stays kept on disk for the
     * next start and, in an ERROR, what waited in memory only (the store refused it too) and dies with the process.
     */
    static void writeKeptAuditEvents(AuditWriter audit, java.time.Duration budget) throws InterruptedException {
        int waiting = audit.waiting();
        if (waiting > 0) {
            // A flush under way (the schedule's) is waited for, within the budget; it first moves what waits in memory
            // into the store if that keeps again. What is still kept when the budget is spent stays for the next start.
            int written = audit.flush(budget);
            LOG.info("wrote {} of {} audit event(s) kept back before stopping; {} stay kept for the next start",
                    written, waiting, audit.keptWaiting());
            long lost = audit.inMemoryWaiting();
            if (lost > 0) {
                LOG.error("{} audit event(s) in memory only are lost at this stop: neither the history nor the store of "
                        + "kept events (VPSR_AUDIT_KEPT_DIR) took them (ADR 0141)", lost);
            }
        }
    }
}
