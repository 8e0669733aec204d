package org.vpsrecovery.domain.webhook;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.vpsrecovery.domain.common.TeamId;

/** A team's wish to be told, at {@code target}, of the audit events of the given types. Its secret is kept apart. */
public record WebhookSubscription(WebhookSubscriptionId id, TeamId team, WebhookTarget target,
                                  Set<WebhookEventType> eventTypes, Instant createdAt) {

    public WebhookSubscription {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(eventTypes, "event types");
        Objects.requireNonNull(createdAt, "created at");
        if (eventTypes.isEmpty()) {
            throw new IllegalArgumentException("a subscription names at least one event type");
        }
        eventTypes = Set.copyOf(EnumSet.copyOf(eventTypes));
    }
}
