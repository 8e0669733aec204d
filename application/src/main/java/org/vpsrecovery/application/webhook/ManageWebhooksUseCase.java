package org.vpsrecovery.application.webhook;

import java.util.List;
import java.util.Set;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.webhook.WebhookDelivery;
import org.vpsrecovery.domain.webhook.WebhookEventType;
import org.vpsrecovery.domain.webhook.WebhookSecret;
import org.vpsrecovery.domain.webhook.WebhookSubscription;
import org.vpsrecovery.domain.webhook.WebhookSubscriptionId;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/** A team's webhook subscriptions and their delivery logs; another team's are not found. */
public interface ManageWebhooksUseCase {

    /** The one answer that carries the secret. */
    record CreatedWebhook(WebhookSubscription subscription, WebhookSecret secret) {
    }

    CreatedWebhook create(TeamId team, WebhookTarget target, Set<WebhookEventType> eventTypes);

    List<WebhookSubscription> list(TeamId team);

    WebhookSubscription get(TeamId team, WebhookSubscriptionId id);

    void delete(TeamId team, WebhookSubscriptionId id);

    List<WebhookDelivery> deliveries(TeamId team, WebhookSubscriptionId id, int limit);
}
