package org.vpsrecovery.bootstrap;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.webhook.DeliverWebhooksService;
import org.vpsrecovery.domain.port.WebhookDeliveries;

/**
 * The webhook dispatch backlog for the gauges: read from the database by the scrape that finds the last reading older
 * than {@code every} (on the monotonic ticker), so every instance reports the cluster's backlog whichever runs the
 * dispatcher, and scrapes cost at most one count per period. A failed read keeps the last reading (ADR 0025, session 49).
 */
final class DispatchBacklogReading {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchBacklogReading.class);

    private final DeliverWebhooksService service;
    private final long every;
    private final LongSupplier nanoTime;
    private WebhookDeliveries.Backlog latest = new WebhookDeliveries.Backlog(0, Duration.ZERO);
    private boolean read;
    private long readAt;

    DispatchBacklogReading(DeliverWebhooksService service, Duration every, LongSupplier nanoTime) {
        this.service = service;
        this.every = every.toNanos();
        this.nanoTime = nanoTime;
    }

    synchronized WebhookDeliveries.Backlog latest() {
        long now = nanoTime.getAsLong();
        if (!read || now - readAt >= every) {
            read = true;
            readAt = now;
            try {
                latest = service.dispatchBacklog();
            } catch (RuntimeException e) {
                LOG.warn("could not read the webhook dispatch backlog; its gauges keep the last reading", e);
            }
        }
        return latest;
    }
}
