package org.vpsrecovery.domain.webhook;

import java.util.Objects;
import java.util.UUID;

public record WebhookSubscriptionId(UUID value) {

    public WebhookSubscriptionId {
        Objects.requireNonNull(value, "value");
    }

    public static WebhookSubscriptionId random() {
        return new WebhookSubscriptionId(UUID.randomUUID());
    }

    /** Parses a caller-supplied id; refuses anything but a UUID. */
    public static WebhookSubscriptionId parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() != 36) {
            throw new IllegalArgumentException("a webhook id is a UUID");
        }
        return new WebhookSubscriptionId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
