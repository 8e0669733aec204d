package org.vpsrecovery.domain.testing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookSubscriptions;
import org.vpsrecovery.domain.webhook.WebhookSecret;
import org.vpsrecovery.domain.webhook.WebhookSubscription;
import org.vpsrecovery.domain.webhook.WebhookSubscriptionId;

/** Subscriptions passing every call on to another store: a test overrides the calls it bends (a race, a lost commit). */
public class ForwardingWebhookSubscriptions implements WebhookSubscriptions {

    private final WebhookSubscriptions subscriptions;

    public ForwardingWebhookSubscriptions(WebhookSubscriptions subscriptions) {
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
    }

    @Override
    public boolean add(WebhookSubscription subscription, WebhookSecret secret, int maxPerTeam) {
        return subscriptions.add(subscription, secret, maxPerTeam);
    }

    @Override
    public Optional<WebhookSubscription> find(TeamId team, WebhookSubscriptionId id) {
        return subscriptions.find(team, id);
    }

    @Override
    public List<WebhookSubscription> list(TeamId team) {
        return subscriptions.list(team);
    }

    @Override
    public int count(TeamId team) {
        return subscriptions.count(team);
    }

    @Override
    public boolean remove(TeamId team, WebhookSubscriptionId id) {
        return subscriptions.remove(team, id);
    }
}
