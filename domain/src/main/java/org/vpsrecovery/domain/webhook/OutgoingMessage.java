package org.vpsrecovery.domain.webhook;

import java.util.Objects;
import org.vpsrecovery.domain.common.TeamId;

/**
 * What one delivery attempt sends: the stored body, to the subscription's target, signed with its secret; and the
 * subscription's team, whose share of the delivery slots the attempt takes.
 */
public record OutgoingMessage(WebhookDeliveryId id, TeamId team, DeliveryState state, int attempts, WebhookTarget target,
                              WebhookSecret secret, String body) {

    public OutgoingMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(body, "body");
    }
}
