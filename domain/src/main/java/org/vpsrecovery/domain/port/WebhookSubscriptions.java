package org.vpsrecovery.domain.port;

import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.webhook.WebhookSecret;
import org.vpsrecovery.domain.webhook.WebhookSubscription;
import org.vpsrecovery.domain.webhook.WebhookSubscriptionId;

/**
 * The teams' webhook subscriptions. Reads are scoped to a team: another team's subscription is not
 * found. The secret goes in with the subscription and comes out only with a message to send
 * ({@link WebhookDeliveries#message}).
 */
public interface WebhookSubscriptions {

    /**
     * Adds it unless its team already has {@code maxPerTeam} subscriptions: then nothing is added and the answer is
     * false. The count and the add are one step, also across instances, so simultaneous adds never exceed the limit.
     */
    boolean add(WebhookSubscription subscription, WebhookSecret secret, int maxPerTeam);

    Optional<WebhookSubscription> find(TeamId team, WebhookSubscriptionId id);

    /** Oldest first (by {@link WebhookSubscription#createdAt()}). */
    List<WebhookSubscription> list(TeamId team);

    int count(TeamId team);

    /**
     * Removes it; false when the team has no such subscription. From then on it is not found, listed or counted, gets
     * no new deliveries, and its deliveries and log are neither handed over, attempted nor read; their rows go later,
     * in small steps ({@link WebhookDeliveries#purgeRemoved}). Quick whatever its log holds, and never in the way of an
     * audit append that queues a delivery for it.
     */
    boolean remove(TeamId team, WebhookSubscriptionId id);
}
