package org.vpsrecovery.domain.webhook;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One line of a subscription's delivery log: the message (one audit event) and how its attempts
 * went. {@code lastError} is platform-written ("timeout", "connection refused", "target refused: ...").
 */
public record WebhookDelivery(WebhookDeliveryId id, WebhookSubscriptionId subscription, WebhookEventType eventType,
                              long auditSequence, DeliveryState state, int attempts, Optional<Instant> lastAttemptAt,
                              OptionalInt lastStatusCode, Optional<String> lastError, Instant createdAt,
                              Optional<Instant> deliveredAt) {

    public WebhookDelivery {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(eventType, "event type");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastAttemptAt, "last attempt at");
        Objects.requireNonNull(lastStatusCode, "last status code");
        Objects.requireNonNull(lastError, "last error");
        Objects.requireNonNull(createdAt, "created at");
        Objects.requireNonNull(deliveredAt, "delivered at");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be >= 0");
        }
    }
}
