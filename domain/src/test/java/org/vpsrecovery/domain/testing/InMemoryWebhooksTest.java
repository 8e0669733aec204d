package org.vpsrecovery.domain.testing;

import java.time.Duration;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.contract.WebhooksContract;
import org.vpsrecovery.domain.webhook.WebhookDeliveryId;
import org.vpsrecovery.domain.webhook.WebhookEventType;
import org.vpsrecovery.domain.webhook.WebhookSubscription;

class InMemoryWebhooksTest extends WebhooksContract {

    private InMemoryWebhooks store;
    private AdjustableClock clock;
    private long sequence;

    @Override
    protected Subject emptySubject() {
        clock = new AdjustableClock(T0);
        store = new InMemoryWebhooks(clock);
        return new Subject(store, store);
    }

    /** In memory the store's clock can move: moving it on ages the run alike. */
    @Override
    protected void putOffsAged(WebhookDeliveryId id, Duration earlier) {
        clock.advance(earlier);
    }

    /** The outbox write of the audit append: one delivery per subscription of the team to the type. */
    @Override
    protected Appended eventAppended(TeamId team, WebhookEventType type) {
        long appended = ++sequence;
        String body = type.wireName() + " #" + appended;
        for (WebhookSubscription subscription : store.list(team)) {
            if (subscription.eventTypes().contains(type)) {
                store.enqueue(subscription.id(), type, appended, body);
            }
        }
        return new Appended(appended, body);
    }

    @Override
    protected void schedulerHolds(WebhookDeliveryId id) {
        store.schedulerHolds(id);
    }

    @Override
    protected void schedulerDropped(WebhookDeliveryId id) {
        store.schedulerDropped(id);
    }
}
