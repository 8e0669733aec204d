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

    /** Removes it and its delivery log; false when the team has no such subscription. */
    boolean remove(TeamId team, WebhookSubscriptionId id);
}
