package org.vpsrecovery.domain.webhook;

import java.util.Objects;
import java.util.UUID;

/** One message to one subscription; sent as {@code webhook-id}, the same on every attempt. */
public record WebhookDeliveryId(UUID value) {

    public WebhookDeliveryId {
        Objects.requireNonNull(value, "value");
    }

    public static WebhookDeliveryId parse(String text) {
        return new WebhookDeliveryId(UUID.fromString(Objects.requireNonNull(text, "text")));
    }

    /** The {@code webhook-id} header: stable across retries, so receivers can drop duplicates. */
    public String messageId() {
        return "msg_" + value.toString().replace("-", "");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
