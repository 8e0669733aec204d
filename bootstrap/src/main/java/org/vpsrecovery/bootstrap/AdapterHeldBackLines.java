package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.core.order.Ordered;
import io.micronaut.scheduling.annotation.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.http.facade.FacadeProblems;
import org.vpsrecovery.adapters.http.provider.VpsOrgClient;

/**
 * The HTTP adapter's folded WARN lines (VPS.org's inconsistent lists, requests refused without a call sent) say the
 * count they held back after their last line, as the jobs' lines do (ADR 0025, amended in session 56): every minute for
 * a key quiet for its interval since, and at this instance's stop. The stop is the context's {@link ShutdownEvent},
 * published before any bean is destroyed, after the jobs' stop ({@code ClusterJobs}, one order earlier), so the client's
 * close and the beans' destroy order play no part. Each instance sweeps its own lines. A listener bean with its own
 * {@link #getOrder}, as {@link ChainCheckpointJob}: an {@code @Order} on an {@code @EventListener} method is not seen by
 * the publisher's sort (Micronaut issue #12129), which held the order only by a stable sort (review of session 56).
 */
@Context
public class AdapterHeldBackLines implements ApplicationEventListener<ShutdownEvent>, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(AdapterHeldBackLines.class);

    private final VpsOrgClient client;

    public AdapterHeldBackLines(VpsOrgClient client) {
        this.client = client;
    }

    /** The keys quiet for their interval: their counts, a line each. */
    @Scheduled(fixedDelay = "1m", initialDelay = "1m")
    void sayQuietLines() {
        client.sayQuietLines();
        FacadeProblems.sayQuietNotSentLines();
    }

    /** Every count held back, whatever its interval: no later line on this instance would say it. */
    @Override
    public void onApplicationEvent(ShutdownEvent stopping) {
        sayHeldLinesAtStop(stopping);
    }

    /** After the jobs' stop ({@link ClusterJobsStop}), before the checkpoint's round ({@link ChainCheckpointJob}). */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }

    void sayHeldLinesAtStop(ShutdownEvent stopping) {
        try {
            client.sayHeldLinesAtStop();
            FacadeProblems.sayNotSentLinesAtStop();
        } catch (RuntimeException | LinkageError failed) {
            // Published outside any try: a throw here would skip the later listeners and every bean's destroy.
            LOG.warn("the HTTP adapter's held-back lines could not be said at the stop", failed);
        }
    }
}
