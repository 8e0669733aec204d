package org.vpsrecovery.domain.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.vpsrecovery.domain.common.KeysetPage;
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

/**
 * Both webhook ports in memory, held to the same {@code WebhooksContract} as PostgreSQL's
 * {@code WebhookRows}; {@link #enqueue} plays the audit append's outbox write.
 */
public final class InMemoryWebhooks implements WebhookSubscriptions, WebhookDeliveries {

    private final Map<WebhookSubscriptionId, WebhookSubscription> subscriptions = new LinkedHashMap<>();
    private final Map<WebhookSubscriptionId, WebhookSecret> secrets = new LinkedHashMap<>();
    /** Removed subscriptions, when: kept, with their deliveries, until {@link #purgeRemoved}, as in PostgreSQL. */
    private final Map<WebhookSubscriptionId, Instant> removed = new LinkedHashMap<>();
    private final Map<WebhookDeliveryId, WebhookDelivery> log = new LinkedHashMap<>();
    private final Map<WebhookDeliveryId, String> bodies = new LinkedHashMap<>();
    private final List<WebhookDeliveryId> dispatched = new ArrayList<>();
    /** The first put-off since each delivery's last attempt, as V59's column. */
    private final Map<WebhookDeliveryId, Instant> putOffSince = new LinkedHashMap<>();
    /** The deliveries the scheduler holds a task for, as the test plays the scheduler. */
    private final Set<WebhookDeliveryId> scheduled = new HashSet<>();
    /** The store's own clock, PostgreSQL's {@code now()}: the one a run of put-offs is timed on. */
    private final Clock clock;

    /** On the system's clock. */
    public InMemoryWebhooks() {
        this(Clock.systemUTC());
    }

    public InMemoryWebhooks(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The scheduler took a task for the delivery (before it is marked dispatched, as the dispatcher does). */
    public synchronized void schedulerHolds(WebhookDeliveryId id) {
        scheduled.add(id);
    }

    /** The scheduler dropped the delivery's task (its retries ran out, or it ended). */
    public synchronized void schedulerDropped(WebhookDeliveryId id) {
        scheduled.remove(id);
    }

    @Override
    public synchronized boolean add(WebhookSubscription subscription, WebhookSecret secret, int maxPerTeam) {
        if (count(subscription.team()) >= maxPerTeam) {
            return false;
        }
        subscriptions.put(subscription.id(), subscription);
        secrets.put(subscription.id(), secret);
        return true;
    }

    @Override
    public synchronized Optional<WebhookSubscription> find(TeamId team, WebhookSubscriptionId id) {
        return Optional.ofNullable(subscriptions.get(id)).filter(s -> s.team().equals(team) && !removed.containsKey(id));
    }

    @Override
    public synchronized List<WebhookSubscription> list(TeamId team) {
        return subscriptions.values().stream().filter(s -> s.team().equals(team) && !removed.containsKey(s.id()))
                .sorted(Comparator.comparing(WebhookSubscription::createdAt)).toList();
    }

    @Override
    public synchronized int count(TeamId team) {
        return list(team).size();
    }

    @Override
    public synchronized boolean remove(TeamId team, WebhookSubscriptionId id) {
        if (find(team, id).isEmpty()) {
            return false;
        }
        removed.put(id, Instant.now());
        return true;
    }

    @Override
    public synchronized int purgeRemoved(Duration removedAtLeast, int limit) {
        WebhookDeliveries.requirePage(limit);
        Instant before = Instant.now().minus(removedAtLeast);
        Set<WebhookSubscriptionId> due = new HashSet<>();
        removed.forEach((id, at) -> {
            if (!at.isAfter(before)) {
                due.add(id);
            }
        });
        List<WebhookDeliveryId> gone = log.values().stream().filter(d -> due.contains(d.subscription()))
                .map(WebhookDelivery::id).limit(limit).toList();
        gone.forEach(log::remove);
        gone.forEach(bodies::remove);
        gone.forEach(putOffSince::remove);
        dispatched.removeAll(gone);
        List<WebhookSubscriptionId> empty = due.stream()
                .filter(id -> log.values().stream().noneMatch(d -> d.subscription().equals(id))).limit(limit).toList();
        empty.forEach(subscriptions::remove);
        empty.forEach(secrets::remove);
        empty.forEach(removed::remove);
        return gone.size() + empty.size();
    }

    @Override
    public synchronized int purgeEnded(Duration olderThan, int limit) {
        WebhookDeliveries.requirePage(limit);
        Instant before = clock.instant().minus(olderThan);
        List<WebhookDeliveryId> gone = log.values().stream()
                .filter(d -> d.state() != DeliveryState.PENDING && !d.createdAt().isAfter(before))
                .sorted(Comparator.comparing(WebhookDelivery::createdAt)).map(WebhookDelivery::id).limit(limit).toList();
        gone.forEach(log::remove);
        gone.forEach(bodies::remove);
        gone.forEach(putOffSince::remove);
        dispatched.removeAll(gone);
        return gone.size();
    }

    private boolean ofRemoved(WebhookDeliveryId id) {
        WebhookDelivery delivery = log.get(id);
        return delivery != null && removed.containsKey(delivery.subscription());
    }

    public synchronized WebhookDeliveryId enqueue(WebhookSubscriptionId subscription, WebhookEventType type, long sequence,
                                                  String body) {
        WebhookDeliveryId id = new WebhookDeliveryId(UUID.randomUUID());
        log.put(id, new WebhookDelivery(id, subscription, type, sequence, DeliveryState.PENDING, 0, Optional.empty(),
                OptionalInt.empty(), Optional.empty(), Instant.EPOCH, Optional.empty()));
        bodies.put(id, body);
        return id;
    }

    public synchronized WebhookDelivery delivery(WebhookDeliveryId id) {
        return log.get(id);
    }

    @Override
    public synchronized List<WebhookDeliveryId> undispatched(int limit) {
        WebhookDeliveries.requirePage(limit);
        Map<TeamId, Integer> rounds = new HashMap<>();
        record Ranked(WebhookDeliveryId id, int round, int order) { }
        List<Ranked> ranked = new ArrayList<>();
        for (WebhookDeliveryId id : log.keySet()) {
            if (!dispatched.contains(id) && !ofRemoved(id)) {
                TeamId team = subscriptions.get(log.get(id).subscription()).team();
                ranked.add(new Ranked(id, rounds.merge(team, 1, Integer::sum), ranked.size()));
            }
        }
        return ranked.stream().sorted(Comparator.comparingInt(Ranked::round).thenComparingInt(Ranked::order))
                .limit(limit).map(Ranked::id).toList();
    }

    @Override
    public synchronized Backlog undispatchedBacklog() {
        List<WebhookDelivery> waiting = log.values().stream()
                .filter(d -> !dispatched.contains(d.id()) && !ofRemoved(d.id())).toList();
        Instant now = clock.instant();
        Duration oldest = waiting.stream().map(d -> Duration.between(d.createdAt(), now)).filter(age -> !age.isNegative())
                .max(Duration::compareTo).orElse(Duration.ZERO);
        return new Backlog(waiting.size(), oldest);
    }

    @Override
    public synchronized Backlog undispatchedBacklog(WebhookSubscriptionId subscription) {
        if (removed.containsKey(subscription)) {
            return new Backlog(0, Duration.ZERO);
        }
        List<WebhookDelivery> waiting = log.values().stream()
                .filter(d -> d.subscription().equals(subscription) && !dispatched.contains(d.id())).toList();
        Instant now = clock.instant();
        Duration oldest = waiting.stream().map(d -> Duration.between(d.createdAt(), now)).filter(age -> !age.isNegative())
                .max(Duration::compareTo).orElse(Duration.ZERO);
        return new Backlog(Math.min(waiting.size(), MAX_BACKLOG_COUNTED), oldest);
    }

    @Override
    public synchronized void markDispatched(List<WebhookDeliveryId> ids) {
        dispatched.addAll(ids);
    }

    @Override
    public synchronized Optional<OutgoingMessage> message(WebhookDeliveryId id) {
        WebhookDelivery delivery = log.get(id);
        if (delivery == null || ofRemoved(id)) {
            return Optional.empty();
        }
        WebhookSubscription subscription = subscriptions.get(delivery.subscription());
        return Optional.of(new OutgoingMessage(id, subscription.team(), delivery.state(), delivery.attempts(),
                subscription.target(), secrets.get(subscription.id()), bodies.get(id)));
    }

    @Override
    public synchronized void recordAttempt(WebhookDeliveryId id, Instant at, OptionalInt statusCode,
                                           Optional<String> error, boolean delivered) {
        WebhookDelivery d = log.get(id);
        if (d == null || d.state() != DeliveryState.PENDING) {
            return; // a late attempt changes nothing that ended or is gone, as in PostgreSQL
        }
        Optional<String> kept = error.map(e -> e.length() > MAX_ERROR ? e.substring(0, MAX_ERROR) : e)
                .filter(e -> !e.isEmpty());
        OptionalInt status = statusCode.isPresent() && new WebhookTransport.Answered(statusCode.getAsInt()).isHttpStatus()
                ? statusCode : OptionalInt.empty();
        log.put(id, new WebhookDelivery(id, d.subscription(), d.eventType(), d.auditSequence(),
                delivered ? DeliveryState.DELIVERED : d.state(), d.attempts() + 1, Optional.of(at), status, kept,
                d.createdAt(), delivered ? Optional.of(at) : Optional.empty()));
        putOffSince.remove(id);
    }

    /** On the store's clock, as PostgreSQL's {@code now()}. */
    @Override
    public synchronized Optional<Duration> recordPutOff(WebhookDeliveryId id) {
        WebhookDelivery d = log.get(id);
        if (d == null || d.state() != DeliveryState.PENDING) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant kept = putOffSince.get(id);
        Instant since = kept == null || d.lastAttemptAt().filter(attempt -> !kept.isAfter(attempt)).isPresent() ? now : kept;
        putOffSince.put(id, since);
        return Optional.of(Duration.between(since, now));
    }

    @Override
    public synchronized void markDead(WebhookDeliveryId id) {
        WebhookDelivery d = log.get(id);
        if (d == null || d.state() != DeliveryState.PENDING) {
            return;
        }
        log.put(id, new WebhookDelivery(id, d.subscription(), d.eventType(), d.auditSequence(), DeliveryState.DEAD,
                d.attempts(), d.lastAttemptAt(), d.lastStatusCode(), d.lastError(), d.createdAt(), d.deliveredAt()));
    }

    @Override
    public synchronized void markDead(WebhookDeliveryId id, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a death for the platform's reason needs the reason");
        }
        WebhookDelivery d = log.get(id);
        if (d == null || d.state() != DeliveryState.PENDING) {
            return;
        }
        log.put(id, new WebhookDelivery(id, d.subscription(), d.eventType(), d.auditSequence(), DeliveryState.DEAD,
                d.attempts(), d.lastAttemptAt(), d.lastStatusCode(),
                Optional.of(reason.length() > MAX_ERROR ? reason.substring(0, MAX_ERROR) : reason), d.createdAt(),
                d.deliveredAt()));
    }

    @Override
    public synchronized int markDeadWhenUnscheduled(int limit) {
        WebhookDeliveries.requirePage(limit);
        List<WebhookDeliveryId> dropped = log.values().stream()
                .filter(d -> d.state() == DeliveryState.PENDING && dispatched.contains(d.id()) && !scheduled.contains(d.id())
                        && !removed.containsKey(d.subscription()))
                .map(WebhookDelivery::id).limit(limit).toList();
        dropped.forEach(id -> {
            String reason = DROPPED_BY_THE_SCHEDULER + log.get(id).lastError().map(e -> "; the last attempt: " + e).orElse("");
            markDead(id, reason);
        });
        return dropped.size();
    }

    @Override
    public synchronized KeysetPage<WebhookDelivery, Long> logPage(WebhookSubscriptionId subscription,
            Optional<DeliveryState> state, OptionalLong beforeSequence, int limit) {
        WebhookDeliveries.requirePage(limit);
        if (removed.containsKey(subscription)) {
            return new KeysetPage<>(List.of(), Optional.empty());
        }
        List<WebhookDelivery> readOneMore = log.values().stream().filter(d -> d.subscription().equals(subscription))
                .filter(d -> state.isEmpty() || d.state() == state.get())
                .filter(d -> beforeSequence.isEmpty() || d.auditSequence() < beforeSequence.getAsLong())
                .sorted(Comparator.comparing(WebhookDelivery::auditSequence).reversed()).limit(limit + 1L).toList();
        return KeysetPage.of(readOneMore, limit, WebhookDelivery::auditSequence);
    }
}
