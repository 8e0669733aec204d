package org.vpsrecovery.bootstrap;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

/**
 * The jobs' stop at the context's stop ({@link ClusterJobs#stopOnShutdown}), a listener bean with its own order:
 * {@code ClusterJobs} already listens to the start, and an {@code @Order} on an {@code @EventListener} method is not seen
 * by the publisher's sort (Micronaut issue #12129). Order: Micronaut's graceful shutdown, this, the HTTP adapter's
 * held-back lines ({@link AdapterHeldBackLines}), the checkpoint's round last ({@link ChainCheckpointJob}) (ADR 0025,
 * review of session 56).
 */
@Singleton
public class ClusterJobsStop implements ApplicationEventListener<ShutdownEvent>, Ordered {

    private final ClusterJobs jobs;

    public ClusterJobsStop(ClusterJobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public void onApplicationEvent(ShutdownEvent stopping) {
        jobs.stopOnShutdown(stopping);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 2;
    }
}
