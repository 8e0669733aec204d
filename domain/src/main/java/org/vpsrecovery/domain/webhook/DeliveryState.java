package org.vpsrecovery.domain.webhook;

import java.util.Locale;

/** Where a delivery stands: waiting (first try or a retry), received with a 2xx, or given up on (dead letter). */
public enum DeliveryState {
    PENDING, DELIVERED, DEAD;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
