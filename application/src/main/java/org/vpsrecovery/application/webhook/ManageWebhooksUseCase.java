package org.vpsrecovery.application.webhook;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.webhook.DeliveryState;
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

    /** A subscription and its deliveries not yet handed to the scheduler (ADR 0025, session 50). */
    record WebhookWithBacklog(WebhookSubscription subscription, WebhookDeliveries.Backlog undispatched) {
    }

    /** {@link #get}, with the subscription's own undispatched backlog. */
    WebhookWithBacklog getWithBacklog(TeamId team, WebhookSubscriptionId id);

    void delete(TeamId team, WebhookSubscriptionId id);

    /**
     * A page of the subscription's delivery log, newest first: only {@code state}'s if given, only before the previous
     * page's {@code next} if given ({@link WebhookDeliveries#logPage}).
     */
    KeysetPage<WebhookDelivery, Long> deliveries(TeamId team, WebhookSubscriptionId id, Optional<DeliveryState> state,
                                                 OptionalLong beforeSequence, int limit);
}
