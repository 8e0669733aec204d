package org.vpsrecovery.application.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.vpsrecovery.application.attempt.OwnStoreWrites;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.port.WebhookSubscriptions;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.DeliveryState;
import org.vpsrecovery.domain.webhook.WebhookDelivery;
import org.vpsrecovery.domain.webhook.WebhookEventType;
import org.vpsrecovery.domain.webhook.WebhookSecret;
import org.vpsrecovery.domain.webhook.WebhookSubscription;
import org.vpsrecovery.domain.webhook.WebhookSubscriptionId;
import org.vpsrecovery.domain.webhook.WebhookTarget;
import org.vpsrecovery.domain.webhook.WebhookTargetChecksBusy;

/** Subscriptions are made only to targets the SSRF guard allows, at most {@value #MAX_PER_TEAM} per team. */
public final class ManageWebhooksService implements ManageWebhooksUseCase {

    public static final int MAX_PER_TEAM = 20;

    /**
     * When a create whose lookup never began may come back: the lookups ahead of it hang for the resolver's own time,
     * seconds, and a lookup waits at most the connect timeout (5 s by default) for a thread.
     */
    public static final Duration CHECKS_BUSY_RETRY_AFTER = Duration.ofSeconds(5);

    private final WebhookSubscriptions subscriptions;
    private final WebhookDeliveries deliveries;
    private final WebhookTargetGuard guard;
    private final Clock clock;

    public ManageWebhooksService(WebhookSubscriptions subscriptions, WebhookDeliveries deliveries,
                                 WebhookTargetGuard guard, Clock clock) {
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CreatedWebhook create(TeamId team, WebhookTarget target, Set<WebhookEventType> eventTypes) {
        // Early, before the guard's DNS lookup; the add below is the check that holds under simultaneous creates.
        if (subscriptions.count(team) >= MAX_PER_TEAM) {
            throw limitReached();
        }
        Optional<String> refused;
        try {
            refused = guard.refusal(team, target);
        } catch (WebhookTransport.TeamLookupsStillRunning own) {
            // The team's own earlier check still runs (its name may hang): the team waits, not the others.
            throw WebhookTargetChecksBusy.ofTeamsOwnChecks(target.host(), CHECKS_BUSY_RETRY_AFTER);
        } catch (WebhookTransport.LookupNotStarted queued) {
            // Other creates' lookups held every thread: nothing is known of this host, so it is not refused (ADR 0025).
            throw new WebhookTargetChecksBusy(target.host(), CHECKS_BUSY_RETRY_AFTER);
        }
        if (refused.isPresent()) {
            throw new RecoveryDenied(ReasonCode.WEBHOOK_TARGET_REFUSED,
                    "webhooks are not sent to " + target.host() + ": " + refused.get());
        }
        WebhookSubscription subscription = new WebhookSubscription(WebhookSubscriptionId.random(), team, target,
                eventTypes, clock.instant());
        WebhookSecret secret = WebhookSecret.random();
        // The store failed at its commit: the subscription may exist. Not "nothing was done, try again", which a client
        // would follow into a second subscription (ADR 0023, amended in session 44).
        boolean added = OwnStoreWrites.committedOrInDoubt(() -> subscriptions.add(subscription, secret, MAX_PER_TEAM),
                unknown -> new PlatformOutcomeUnknown("the platform's store failed while adding the webhook "
                        + "subscription, so whether it was added is unknown; list the team's webhooks before trying "
                        + "again (delete one you cannot use: its secret is not shown again)", unknown));
        if (!added) {
            throw limitReached();
        }
        return new CreatedWebhook(subscription, secret);
    }

    @Override
    public List<WebhookSubscription> list(TeamId team) {
        return subscriptions.list(team);
    }

    @Override
    public WebhookSubscription get(TeamId team, WebhookSubscriptionId id) {
        return subscriptions.find(team, id).orElseThrow(() -> notFound(id));
    }

    @Override
    public WebhookWithBacklog getWithBacklog(TeamId team, WebhookSubscriptionId id) {
        WebhookSubscription subscription = get(team, id);
        return new WebhookWithBacklog(subscription, deliveries.undispatchedBacklog(subscription.id()));
    }

    @Override
    public void delete(TeamId team, WebhookSubscriptionId id) {
        // The store failed at its commit: the subscription may be removed (ADR 0023, amended in session 44 after review).
        boolean removed = OwnStoreWrites.committedOrInDoubt(() -> subscriptions.remove(team, id),
                unknown -> new PlatformOutcomeUnknown("the platform's store failed while removing webhook " + id
                        + ", so whether it was removed is unknown; list the team's webhooks before trying again", unknown));
        if (!removed) {
            throw notFound(id);
        }
    }

    @Override
    public KeysetPage<WebhookDelivery, Long> deliveries(TeamId team, WebhookSubscriptionId id,
                                                        Optional<DeliveryState> state, OptionalLong beforeSequence,
                                                        int limit) {
        WebhookDeliveries.requirePage(limit);
        return deliveries.logPage(get(team, id).id(), state, beforeSequence, limit);
    }

    private static RecoveryDenied limitReached() {
        return new RecoveryDenied(ReasonCode.WEBHOOK_LIMIT_REACHED,
                "a team has at most " + MAX_PER_TEAM + " webhook subscriptions; delete one first");
    }

    private static ResourceNotFound notFound(WebhookSubscriptionId id) {
        return new ResourceNotFound(ReasonCode.WEBHOOK_NOT_FOUND, "webhook " + id + " not found");
    }
}
