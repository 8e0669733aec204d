package org.vpsrecovery.adapters.persistence.webhook;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.port.WebhookSubscriptions;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.DeliveryState;
import org.vpsrecovery.domain.webhook.OutgoingMessage;
import org.vpsrecovery.domain.webhook.WebhookDelivery;
import org.vpsrecovery.domain.webhook.WebhookDeliveryId;
import org.vpsrecovery.domain.webhook.WebhookEventType;
import org.vpsrecovery.domain.webhook.WebhookSecret;
import org.vpsrecovery.domain.webhook.WebhookSubscription;
import org.vpsrecovery.domain.webhook.WebhookSubscriptionId;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * Subscriptions and deliveries in PostgreSQL, through Micronaut Data repositories; the one place
 * their rows and the domain meet. Deliveries are inserted by {@link WebhookOutbox}, not here.
 */
public final class WebhookRows implements WebhookSubscriptions, WebhookDeliveries {

    private final SubscriptionRowRepository subscriptions;
    private final DeliveryRowRepository deliveries;

    public WebhookRows(SubscriptionRowRepository subscriptions, DeliveryRowRepository deliveries) {
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
    }

    @Override
    public void add(WebhookSubscription s, WebhookSecret secret) {
        subscriptions.save(new SubscriptionRow(s.id().value(), s.team().value(), s.target().toString(),
                s.eventTypes().stream().map(WebhookEventType::wireName).sorted().collect(Collectors.joining(",")),
                secret.reveal(), s.createdAt()));
    }

    @Override
    public Optional<WebhookSubscription> find(TeamId team, WebhookSubscriptionId id) {
        return subscriptions.findByIdAndTeam(id.value(), team.value()).map(WebhookRows::toDomain);
    }

    @Override
    public List<WebhookSubscription> list(TeamId team) {
        return subscriptions.findByTeamOrderByCreatedAt(team.value()).stream().map(WebhookRows::toDomain).toList();
    }

    @Override
    public int count(TeamId team) {
        return (int) subscriptions.countByTeam(team.value());
    }

    @Override
    public boolean remove(TeamId team, WebhookSubscriptionId id) {
        return subscriptions.deleteByIdAndTeam(id.value(), team.value()) == 1;
    }

    @Override
    public List<WebhookDeliveryId> undispatched(int limit) {
        WebhookDeliveries.requirePage(limit);
        return deliveries.undispatched(limit).stream().map(r -> new WebhookDeliveryId(r.id())).toList();
    }

    @Override
    public void markDispatched(List<WebhookDeliveryId> ids) {
        if (!ids.isEmpty()) {
            deliveries.markDispatched(ids.stream().map(WebhookDeliveryId::value).toList());
        }
    }

    @Override
    public Optional<OutgoingMessage> message(WebhookDeliveryId id) {
        return deliveries.findById(id.value()).flatMap(d -> subscriptions.findById(d.subscriptionId())
                .map(s -> new OutgoingMessage(id, state(d.state()), d.attempts(), WebhookTarget.parse(s.targetUrl()),
                        WebhookSecret.parse(s.secret()), d.body())));
    }

    @Override
    public void recordAttempt(WebhookDeliveryId id, Instant at, OptionalInt statusCode, Optional<String> error,
                              boolean delivered) {
        // The column holds 100-599 (V7): a receiver's 600 or 999 must not make the attempt unrecordable.
        Integer status = statusCode.isPresent() && new WebhookTransport.Answered(statusCode.getAsInt()).isHttpStatus()
                ? statusCode.getAsInt() : null;
        deliveries.recordAttempt(id.value(), at, status,
                error.map(e -> e.length() > MAX_ERROR ? e.substring(0, MAX_ERROR) : e).filter(e -> !e.isEmpty())
                        .orElse(null), delivered);
    }

    @Override
    public void markDead(WebhookDeliveryId id) {
        deliveries.markDead(id.value());
    }

    @Override
    public List<WebhookDelivery> log(WebhookSubscriptionId subscription, int limit) {
        WebhookDeliveries.requirePage(limit);
        return deliveries.log(subscription.value(), limit).stream().map(WebhookRows::toDomain).toList();
    }

    private static WebhookSubscription toDomain(SubscriptionRow r) {
        return new WebhookSubscription(new WebhookSubscriptionId(r.id()), new TeamId(r.team()),
                WebhookTarget.parse(r.targetUrl()), Arrays.stream(r.eventTypes().split(","))
                .map(WebhookEventType::fromWire).collect(Collectors.toSet()), r.createdAt());
    }

    private static WebhookDelivery toDomain(DeliveryRow r) {
        return new WebhookDelivery(new WebhookDeliveryId(r.id()), new WebhookSubscriptionId(r.subscriptionId()),
                WebhookEventType.fromWire(r.eventType()), r.auditSequence(), state(r.state()), r.attempts(),
                Optional.ofNullable(r.lastAttemptAt()),
                r.lastStatus() == null ? OptionalInt.empty() : OptionalInt.of(r.lastStatus()),
                Optional.ofNullable(r.lastError()), r.createdAt(), Optional.ofNullable(r.deliveredAt()));
    }

    private static DeliveryState state(String wire) {
        return DeliveryState.valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
