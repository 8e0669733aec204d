package org.vpsrecovery.bootstrap;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.webhook.DeliverWebhooksService;
import org.vpsrecovery.domain.port.WebhookDeliveries;

/**
 * The webhook dispatch backlog for the gauges: read from the database every {@code every} on a thread of its own, so
 * every instance reports the cluster's backlog whichever runs the dispatcher, and a scrape (served on the event loop)
 * only reads the last reading, never the database. A failed read keeps the last reading (ADR 0025, session 49).
 */
final class DispatchBacklogReading implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchBacklogReading.class);

    private final DeliverWebhooksService service;
    private final ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("webhook-backlog-reading").factory());
    private volatile WebhookDeliveries.Backlog latest = new WebhookDeliveries.Backlog(0, Duration.ZERO);

    DispatchBacklogReading(DeliverWebhooksService service, Duration every) {
        this.service = service;
        // The first read after one period: at start the schema may still be migrating.
        reader.scheduleWithFixedDelay(this::read, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    WebhookDeliveries.Backlog latest() {
        return latest;
    }

    private void read() {
        try {
            latest = service.dispatchBacklog();
        } catch (RuntimeException e) {
            LOG.warn("could not read the webhook dispatch backlog; its gauges keep the last reading", e);
        }
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
