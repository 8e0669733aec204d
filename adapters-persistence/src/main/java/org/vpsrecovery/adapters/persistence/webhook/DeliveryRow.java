package org.vpsrecovery.adapters.persistence.webhook;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** One row of {@code webhook_delivery} (migration V7): the outbox and the delivery log in one. */
@MappedEntity("webhook_delivery")
public record DeliveryRow(@Id UUID id, UUID subscriptionId, String eventType, long auditSequence, String body,
                          String state, boolean dispatched, int attempts, @Nullable Instant lastAttemptAt,
                          @Nullable Short lastStatus, @Nullable String lastError, Instant createdAt,
                          @Nullable Instant deliveredAt) {
}
