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

    void add(WebhookSubscription subscription, WebhookSecret secret);

    Optional<WebhookSubscription> find(TeamId team, WebhookSubscriptionId id);

    /** Oldest first (by {@link WebhookSubscription#createdAt()}). */
    List<WebhookSubscription> list(TeamId team);

    int count(TeamId team);

    /** Removes it and its delivery log; false when the team has no such subscription. */
    boolean remove(TeamId team, WebhookSubscriptionId id);
}
