package org.vpsrecovery.adapters.persistence.webhook;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** One row of {@code webhook_subscription} (migration V7); mapped to the domain in {@link WebhookRows} only. */
@MappedEntity("webhook_subscription")
public record SubscriptionRow(@Id UUID id, String team, String targetUrl, String eventTypes, String secret,
                              Instant createdAt) {

    @Override
    public String toString() {
        return "SubscriptionRow[id=" + id + ", team=" + team + "]";
    }
}
