package org.vpsrecovery.domain.webhook;

import java.util.Objects;

/** What one delivery attempt sends: the stored body, to the subscription's target, signed with its secret. */
public record OutgoingMessage(WebhookDeliveryId id, DeliveryState state, int attempts, WebhookTarget target,
                              WebhookSecret secret, String body) {

    public OutgoingMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(body, "body");
    }
}
