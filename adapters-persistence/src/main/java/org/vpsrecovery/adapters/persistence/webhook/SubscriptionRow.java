package org.vpsrecovery.adapters.persistence.webhook;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code webhook_subscription} (migrations V7, V57); mapped to the domain in {@link WebhookRows} only. A
 * row with {@code deletedAt} was removed and waits for the purge.
 */
@MappedEntity("webhook_subscription")
public record SubscriptionRow(@Id UUID id, String team, String targetUrl, String eventTypes, String secret,
                              Instant createdAt, @Nullable Instant deletedAt) {

    @Override
    public String toString() {
        return "SubscriptionRow[id=" + id + ", team=" + team + "]";
    }
}
