package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.port.WebhookSubscriptions;
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
 * What every {@link WebhookSubscriptions} and {@link WebhookDeliveries} do, in memory or in PostgreSQL.
 * The two are tested together because they are one store: a message carries its subscription's
 * secret, and removing a subscription removes its deliveries. Deliveries are written by neither port
 * but by the audit append (ADR 0025), which {@link #eventAppended} plays.
 */
public abstract class WebhooksContract {

    /** Both ports over one empty store. */
    public record Subject(WebhookSubscriptions subscriptions, WebhookDeliveries deliveries) {
    }

    /** An appended audit event: its sequence, and the text each of its deliveries sends. */
    public record Appended(long sequence, String body) {
    }

    protected static final TeamId BLUE = new TeamId("blue");
    protected static final TeamId RED = new TeamId("red");
    protected static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    private WebhookSubscriptions subscriptions;
    private WebhookDeliveries deliveries;

    protected abstract Subject emptySubject();

    /**
     * An audit event of {@code team}, sent as {@code type}, appended as the audit history appends it:
     * each subscription of the team to that type gets one pending delivery. Each call's event is later
     * than the one before.
     */
    protected abstract Appended eventAppended(TeamId team, WebhookEventType type);

    /** The scheduler took a task for the delivery, as the dispatcher asks before it marks it dispatched. */
    protected abstract void schedulerHolds(WebhookDeliveryId id);

    /** The scheduler dropped the delivery's task: it ended, or its retries ran out. */
    protected abstract void schedulerDropped(WebhookDeliveryId id);

    /**
     * The delivery's run of put-offs began {@code earlier} before it did, as though the store's clock had moved on by
     * that much since: a run is timed on the store's clock alone, which a test cannot move in PostgreSQL.
     */
    protected abstract void putOffsAged(WebhookDeliveryId id, Duration earlier);

    @BeforeEach
    void fresh() {
        Subject subject = emptySubject();
        subscriptions = subject.subscriptions();
        deliveries = subject.deliveries();
    }

    protected WebhookSubscription subscribed(TeamId team, Instant createdAt, WebhookSecret secret,
                                             WebhookEventType... types) {
        WebhookSubscription subscription = new WebhookSubscription(WebhookSubscriptionId.random(), team,
                WebhookTarget.parse("https://hooks.example.com/" + team.value()), Set.of(types), createdAt);
        assertThat(subscriptions.add(subscription, secret, Integer.MAX_VALUE)).isTrue();
        return subscription;
    }

    private WebhookSubscription subscribed(TeamId team, WebhookEventType... types) {
        return subscribed(team, T0, WebhookSecret.random(), types);
    }

    /** The delivery {@code event} queued for {@code subscription}. */
    private WebhookDelivery delivery(WebhookSubscription subscription, Appended event) {
        return deliveries.log(subscription.id(), WebhookDeliveries.MAX_PAGE).stream()
                .filter(d -> d.auditSequence() == event.sequence()).findFirst().orElseThrow();
    }

    private WebhookDelivery delivery(WebhookSubscription subscription, WebhookDeliveryId id) {
        return deliveries.log(subscription.id(), WebhookDeliveries.MAX_PAGE).stream()
                .filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aSubscriptionIsTheTeamsOwn() {
        WebhookSubscription blue = subscribed(BLUE, WebhookEventType.OPERATION_COMPLETED,
                WebhookEventType.OPERATION_FAILED);

        assertThat(subscriptions.find(BLUE, blue.id())).contains(blue);
        assertThat(subscriptions.find(RED, blue.id())).isEmpty();
        assertThat(subscriptions.list(BLUE)).containsExactly(blue);
        assertThat(subscriptions.list(RED)).isEmpty();
        assertThat(subscriptions.count(BLUE)).isEqualTo(1);
        assertThat(subscriptions.count(RED)).isZero();
        assertThat(subscriptions.remove(RED, blue.id())).isFalse();
        assertThat(subscriptions.remove(BLUE, WebhookSubscriptionId.random())).isFalse();
        assertThat(subscriptions.find(BLUE, blue.id())).contains(blue);
        assertThat(subscriptions.remove(BLUE, blue.id())).isTrue();
        assertThat(subscriptions.remove(BLUE, blue.id())).isFalse();
        assertThat(subscriptions.list(BLUE)).isEmpty();
        assertThat(subscriptions.count(BLUE)).isZero();
    }

    @Test
    void aTeamAtItsLimitGetsNoMoreAndOtherTeamsAreNotCounted() {
        for (int i = 0; i < 3; i++) {
            assertThat(subscriptions.add(subscription(BLUE), WebhookSecret.random(), 3)).isTrue();
        }
        WebhookSubscription fourth = subscription(BLUE);

        assertThat(subscriptions.add(fourth, WebhookSecret.random(), 3)).isFalse();
        assertThat(subscriptions.find(BLUE, fourth.id())).isEmpty();
        assertThat(subscriptions.count(BLUE)).isEqualTo(3);
        assertThat(subscriptions.add(subscription(RED), WebhookSecret.random(), 3)).isTrue();
    }

    /**
     * Simultaneous adds of one team, each seeing room for one more: exactly one gets in. On PostgreSQL the
     * adds run on separate connections, as on separate instances.
     */
    @Test
    void simultaneousAddsNeverExceedTheLimit() throws Exception {
        int limit = 5;
        int simultaneous = 16;
        ExecutorService threads = Executors.newFixedThreadPool(simultaneous);
        try {
            for (int round = 0; round < 3; round++) {
                TeamId team = new TeamId("team-" + round);
                for (int i = 0; i < limit - 1; i++) {
                    assertThat(subscriptions.add(subscription(team), WebhookSecret.random(), limit)).isTrue();
                }
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> adds = new ArrayList<>();
                for (int i = 0; i < simultaneous; i++) {
                    adds.add(threads.submit(() -> {
                        start.await();
                        return subscriptions.add(subscription(team), WebhookSecret.random(), limit);
                    }));
                }
                start.countDown();
                int added = 0;
                for (Future<Boolean> add : adds) {
                    added += add.get() ? 1 : 0;
                }
                assertThat(added).as("round %d: adds that got in", round).isEqualTo(1);
                assertThat(subscriptions.count(team)).isEqualTo(limit);
                assertThat(subscriptions.list(team)).hasSize(limit);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static WebhookSubscription subscription(TeamId team) {
        return new WebhookSubscription(WebhookSubscriptionId.random(), team,
                WebhookTarget.parse("https://hooks.example.com/" + team.value()), Set.of(WebhookEventType.OPERATION_FAILED), T0);
    }

    /** By creation time, not by the order they were added in. */
    @Test
    void subscriptionsAreListedOldestFirst() {
        WebhookSubscription later = subscribed(BLUE, T0.plusSeconds(60), WebhookSecret.random(),
                WebhookEventType.OPERATION_FAILED);
        WebhookSubscription red = subscribed(RED, T0.plusSeconds(30), WebhookSecret.random(),
                WebhookEventType.OPERATION_FAILED);
        WebhookSubscription earlier = subscribed(BLUE, T0, WebhookSecret.random(), WebhookEventType.OPERATION_FAILED);

        assertThat(subscriptions.list(BLUE)).containsExactly(earlier, later);
        assertThat(subscriptions.list(RED)).containsExactly(red);
    }

    @Test
    void aMessageSendsTheEventsTextToTheTargetWithTheSecretGivenAtAdd() {
        WebhookSecret secret = WebhookSecret.random();
        WebhookSubscription subscription = subscribed(BLUE, T0, secret, WebhookEventType.OPERATION_COMPLETED);

        Appended event = eventAppended(BLUE, WebhookEventType.OPERATION_COMPLETED);

        WebhookDelivery queued = delivery(subscription, event);
        assertThat(queued.subscription()).isEqualTo(subscription.id());
        assertThat(queued.eventType()).isEqualTo(WebhookEventType.OPERATION_COMPLETED);
        assertThat(queued.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(queued.attempts()).isZero();
        assertThat(queued.lastAttemptAt()).isEmpty();
        assertThat(queued.lastStatusCode()).isEmpty();
        assertThat(queued.lastError()).isEmpty();
        assertThat(queued.deliveredAt()).isEmpty();
        assertThat(deliveries.message(queued.id())).contains(new OutgoingMessage(queued.id(), BLUE, DeliveryState.PENDING, 0,
                subscription.target(), secret, event.body()));
        assertThat(deliveries.message(new WebhookDeliveryId(UUID.randomUUID()))).isEmpty();
    }

    /** One team's flood takes one place per round: another team's delivery is in the first batch (session 49). */
    @Test
    void aSecondTeamsDeliveryIsDispatchedInTheFirstBatchDespiteAFloodFromTheFirst() {
        WebhookSubscription blue = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookSubscription red = subscribed(RED, WebhookEventType.OPERATION_SUBMITTED);
        List<WebhookDeliveryId> flood = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            flood.add(delivery(blue, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id());
        }
        WebhookDeliveryId reds = delivery(red, eventAppended(RED, WebhookEventType.OPERATION_SUBMITTED)).id();

        assertThat(deliveries.undispatched(2)).containsExactly(flood.get(0), reds);
        assertThat(deliveries.undispatched(10)).containsExactly(flood.get(0), reds, flood.get(1), flood.get(2),
                flood.get(3), flood.get(4));
        WebhookDeliveries.Backlog backlog = deliveries.undispatchedBacklog();
        assertThat(backlog.count()).isEqualTo(6);
        deliveries.markDispatched(List.of(flood.get(0), reds));
        assertThat(deliveries.undispatched(1)).containsExactly(flood.get(1));
        assertThat(deliveries.undispatchedBacklog().count()).isEqualTo(4);
        deliveries.markDispatched(flood);
        assertThat(deliveries.undispatchedBacklog()).isEqualTo(new WebhookDeliveries.Backlog(0, java.time.Duration.ZERO));
    }

    @Test
    void undispatchedDeliveriesAreOldestFirstUntilMarkedDispatched() {
        WebhookSubscription blue = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookSubscription red = subscribed(RED, WebhookEventType.OPERATION_SUBMITTED);
        WebhookDeliveryId first = delivery(blue, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        WebhookDeliveryId second = delivery(red, eventAppended(RED, WebhookEventType.OPERATION_SUBMITTED)).id();
        WebhookDeliveryId third = delivery(blue, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();

        assertThat(deliveries.undispatched(10)).containsExactly(first, second, third);
        assertThat(deliveries.undispatched(2)).containsExactly(first, second);

        deliveries.markDispatched(List.of(second));
        deliveries.markDispatched(List.of());
        assertThat(deliveries.undispatched(10)).containsExactly(first, third);
        // A crash between scheduling and marking hands them over again: marking twice is harmless.
        deliveries.markDispatched(List.of(first, second, third));
        assertThat(deliveries.undispatched(10)).isEmpty();
        assertThat(deliveries.log(blue.id(), 10)).extracting(WebhookDelivery::state)
                .containsExactly(DeliveryState.PENDING, DeliveryState.PENDING);
    }

    @Test
    void theLogIsTheSubscriptionsOwnNewestFirst() {
        WebhookSubscription submitted = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookSubscription completed = subscribed(BLUE, WebhookEventType.OPERATION_COMPLETED);
        Appended first = eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        Appended done = eventAppended(BLUE, WebhookEventType.OPERATION_COMPLETED);
        Appended second = eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        Appended third = eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED);

        assertThat(deliveries.log(submitted.id(), 10)).extracting(WebhookDelivery::auditSequence)
                .containsExactly(third.sequence(), second.sequence(), first.sequence());
        assertThat(deliveries.log(submitted.id(), 2)).extracting(WebhookDelivery::auditSequence)
                .containsExactly(third.sequence(), second.sequence());
        assertThat(deliveries.log(completed.id(), 10)).extracting(WebhookDelivery::auditSequence)
                .containsExactly(done.sequence());
        assertThat(deliveries.log(WebhookSubscriptionId.random(), 10)).isEmpty();
    }

    /**
     * A page of the log is keyset-paged on the event's sequence, newest first, and may keep one state's deliveries: an
     * operator finds a dead delivery older than the newest page (ADR 0025, session 50).
     */
    @Test
    void theLogIsPagedNewestFirstFromTheLastPagesSequenceAndKeepsOneStateIfAsked() {
        WebhookSubscription subscription = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookSubscription other = subscribed(BLUE, WebhookEventType.OPERATION_COMPLETED);
        List<Long> sequences = new ArrayList<>();
        List<WebhookDeliveryId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Appended event = eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED);
            sequences.add(event.sequence());
            ids.add(delivery(subscription, event).id());
            eventAppended(BLUE, WebhookEventType.OPERATION_COMPLETED);
        }
        deliveries.recordAttempt(ids.get(0), T0, OptionalInt.of(500), Optional.of("no"), false);
        deliveries.markDead(ids.get(0));
        deliveries.recordAttempt(ids.get(1), T0, OptionalInt.of(204), Optional.empty(), true);
        deliveries.markDead(ids.get(3), "dead: the platform's own");

        var first = deliveries.logPage(subscription.id(), Optional.empty(), java.util.OptionalLong.empty(), 2);
        assertThat(first.items()).extracting(WebhookDelivery::auditSequence).containsExactly(sequences.get(4), sequences.get(3));
        assertThat(first.next()).contains(sequences.get(3));
        var second = deliveries.logPage(subscription.id(), Optional.empty(), java.util.OptionalLong.of(first.next().get()), 2);
        assertThat(second.items()).extracting(WebhookDelivery::auditSequence).containsExactly(sequences.get(2), sequences.get(1));
        var last = deliveries.logPage(subscription.id(), Optional.empty(), java.util.OptionalLong.of(second.next().get()), 2);
        assertThat(last.items()).extracting(WebhookDelivery::auditSequence).containsExactly(sequences.get(0));
        assertThat(last.next()).as("the last page points nowhere").isEmpty();
        assertThat(deliveries.logPage(subscription.id(), Optional.empty(), java.util.OptionalLong.empty(), 5).next())
                .as("exactly full and the last").isEmpty();

        var dead = deliveries.logPage(subscription.id(), Optional.of(DeliveryState.DEAD), java.util.OptionalLong.empty(), 1);
        assertThat(dead.items()).extracting(WebhookDelivery::id).containsExactly(ids.get(3));
        assertThat(deliveries.logPage(subscription.id(), Optional.of(DeliveryState.DEAD),
                java.util.OptionalLong.of(dead.next().orElseThrow()), 1).items()).extracting(WebhookDelivery::id)
                .containsExactly(ids.get(0));
        assertThat(deliveries.logPage(subscription.id(), Optional.of(DeliveryState.PENDING), java.util.OptionalLong.empty(), 10)
                .items()).extracting(WebhookDelivery::id).containsExactly(ids.get(4), ids.get(2));
        assertThat(deliveries.logPage(subscription.id(), Optional.of(DeliveryState.DELIVERED),
                java.util.OptionalLong.of(sequences.get(1)), 10).items()).as("before the cursor only").isEmpty();
        assertThat(deliveries.logPage(other.id(), Optional.of(DeliveryState.DEAD), java.util.OptionalLong.empty(), 10)
                .items()).as("another subscription's log").isEmpty();
    }

    /** A subscription's own deliveries not yet handed over: counted, aged, none of another's (ADR 0025, session 50). */
    @Test
    void aSubscriptionsUndispatchedBacklogIsItsOwnAndEmptyWhenAllAreHandedOver() {
        WebhookSubscription blue = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookSubscription red = subscribed(RED, WebhookEventType.OPERATION_SUBMITTED);
        WebhookDeliveryId first = delivery(blue, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        WebhookDeliveryId second = delivery(blue, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        eventAppended(RED, WebhookEventType.OPERATION_SUBMITTED);

        WebhookDeliveries.Backlog backlog = deliveries.undispatchedBacklog(blue.id());
        assertThat(backlog.count()).isEqualTo(2);
        assertThat(deliveries.undispatchedBacklog(red.id()).count()).isEqualTo(1);
        deliveries.markDispatched(List.of(first));
        assertThat(deliveries.undispatchedBacklog(blue.id()).count()).isEqualTo(1);
        deliveries.markDispatched(List.of(second));
        assertThat(deliveries.undispatchedBacklog(blue.id())).isEqualTo(new WebhookDeliveries.Backlog(0, Duration.ZERO));
        assertThat(subscriptions.remove(RED, red.id())).isTrue();
        assertThat(deliveries.undispatchedBacklog(red.id())).as("a removed subscription's wait for the purge")
                .isEqualTo(new WebhookDeliveries.Backlog(0, Duration.ZERO));
        assertThat(deliveries.undispatchedBacklog(WebhookSubscriptionId.random()).count()).isZero();
    }

    /**
     * A team's flood over several subscriptions is still one team: one place a round, whichever subscription it came to;
     * a removed subscription's are not handed over (session 50: the batch is now read through each subscription).
     */
    @Test
    void aTeamsFloodOverSeveralSubscriptionsTakesOnePlaceARound() {
        WebhookSubscription blueOne = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookSubscription blueTwo = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookSubscription blueRemoved = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookSubscription red = subscribed(RED, WebhookEventType.OPERATION_SUBMITTED);
        List<Appended> flood = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            flood.add(eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED));
        }
        assertThat(subscriptions.remove(BLUE, blueRemoved.id())).isTrue();
        Appended reds = eventAppended(RED, WebhookEventType.OPERATION_SUBMITTED);
        WebhookDeliveryId redsDelivery = delivery(red, reds).id();

        List<WebhookDeliveryId> batch = deliveries.undispatched(2);
        assertThat(batch).hasSize(2).contains(redsDelivery);
        assertThat(batch).filteredOn(id -> !id.equals(redsDelivery)).singleElement()
                .isIn(delivery(blueOne, flood.get(0)).id(), delivery(blueTwo, flood.get(0)).id());
        List<WebhookDeliveryId> all = deliveries.undispatched(WebhookDeliveries.MAX_PAGE);
        assertThat(all).hasSize(7).doesNotHaveDuplicates().startsWith(batch.toArray(WebhookDeliveryId[]::new));
        assertThat(all.subList(2, 7)).as("the flood in its order, after the first round")
                .extracting(id -> deliveries.log(blueOne.id(), 10).stream().anyMatch(d -> d.id().equals(id))
                        ? delivery(blueOne, id).auditSequence() : delivery(blueTwo, id).auditSequence())
                .containsExactly(flood.get(0).sequence(), flood.get(1).sequence(), flood.get(1).sequence(),
                        flood.get(2).sequence(), flood.get(2).sequence());
    }

    @Test
    void aPageIsOneToFiveHundred() {
        WebhookSubscription subscription = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED);

        for (int outside : new int[] {0, -1, WebhookDeliveries.MAX_PAGE + 1}) {
            assertThatThrownBy(() -> deliveries.undispatched(outside)).as("undispatched(%d)", outside)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> deliveries.log(subscription.id(), outside)).as("log(%d)", outside)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(deliveries.undispatched(1)).hasSize(1);
        assertThat(deliveries.undispatched(WebhookDeliveries.MAX_PAGE)).hasSize(1);
        assertThat(deliveries.log(subscription.id(), WebhookDeliveries.MAX_PAGE)).hasSize(1);
    }

    @Test
    void attemptsAreLoggedUntilOneDeliversOrTheDeliveryIsDead() {
        WebhookSubscription subscription = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookDeliveryId delivered = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        WebhookDeliveryId dead = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        Instant at = T0.plusSeconds(5);

        deliveries.recordAttempt(delivered, at, OptionalInt.of(500), Optional.of("the receiver answered 500"), false);
        WebhookDelivery failedOnce = delivery(subscription, delivered);
        assertThat(failedOnce.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(failedOnce.attempts()).isEqualTo(1);
        assertThat(failedOnce.lastAttemptAt()).contains(at);
        assertThat(failedOnce.lastStatusCode()).hasValue(500);
        assertThat(failedOnce.lastError()).contains("the receiver answered 500");
        assertThat(failedOnce.deliveredAt()).isEmpty();

        deliveries.recordAttempt(delivered, at.plusSeconds(1), OptionalInt.of(204), Optional.empty(), true);
        WebhookDelivery done = delivery(subscription, delivered);
        assertThat(done.state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.lastAttemptAt()).contains(at.plusSeconds(1));
        assertThat(done.lastStatusCode()).hasValue(204);
        assertThat(done.lastError()).isEmpty();
        assertThat(done.deliveredAt()).contains(at.plusSeconds(1));
        assertThat(deliveries.message(delivered)).hasValueSatisfying(m -> {
            assertThat(m.state()).isEqualTo(DeliveryState.DELIVERED);
            assertThat(m.attempts()).isEqualTo(2);
        });

        deliveries.recordAttempt(dead, at, OptionalInt.empty(), Optional.of("timeout"), false);
        deliveries.markDead(dead);
        WebhookDelivery letter = delivery(subscription, dead);
        assertThat(letter.state()).isEqualTo(DeliveryState.DEAD);
        assertThat(letter.attempts()).isEqualTo(1);
        assertThat(letter.lastStatusCode()).isEmpty();
        assertThat(letter.lastError()).contains("timeout");
        assertThat(letter.deliveredAt()).isEmpty();
        // The dead letter stays readable: an attempt finds it and sends nothing.
        assertThat(deliveries.message(dead)).hasValueSatisfying(m -> assertThat(m.state()).isEqualTo(DeliveryState.DEAD));
    }

    /** A repeated or late execution (a revived task, the give-up callback) changes nothing that ended. */
    @Test
    void aDeliveredOrDeadDeliveryStaysAsItEnded() {
        WebhookSubscription subscription = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookDeliveryId delivered = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        WebhookDeliveryId dead = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        deliveries.recordAttempt(delivered, T0, OptionalInt.of(204), Optional.empty(), true);
        deliveries.recordAttempt(dead, T0, OptionalInt.empty(), Optional.of("timeout"), false);
        deliveries.markDead(dead);
        WebhookDelivery deliveredBefore = delivery(subscription, delivered);
        WebhookDelivery deadBefore = delivery(subscription, dead);

        deliveries.recordAttempt(delivered, T0.plusSeconds(9), OptionalInt.of(500), Optional.of("late"), false);
        deliveries.markDead(delivered);
        deliveries.recordAttempt(dead, T0.plusSeconds(9), OptionalInt.of(204), Optional.empty(), true);
        deliveries.markDead(dead);

        assertThat(delivery(subscription, delivered)).isEqualTo(deliveredBefore);
        assertThat(delivery(subscription, dead)).isEqualTo(deadBefore);
    }

    /**
     * The scheduler drops a delivery's task when its retries run out and only then asks for its death, which can be
     * lost: such a delivery would stay pending for ever. The ones it still holds, or that ended, stay as they are.
     */
    @Test
    void aPendingDeliveryTheSchedulerDroppedIsDeadAndNoOtherIs() {
        WebhookSubscription subscription = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookDeliveryId held = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        WebhookDeliveryId dropped = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        WebhookDeliveryId delivered = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        WebhookDeliveryId notHandedOver = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        for (WebhookDeliveryId id : List.of(held, dropped, delivered)) {
            schedulerHolds(id);
        }
        deliveries.markDispatched(List.of(held, dropped, delivered));
        deliveries.recordAttempt(dropped, T0, OptionalInt.of(500), Optional.of("the receiver answered 500"), false);
        deliveries.recordAttempt(delivered, T0, OptionalInt.of(204), Optional.empty(), true);
        schedulerDropped(dropped);
        schedulerDropped(delivered);

        assertThat(deliveries.markDeadWhenUnscheduled(10)).isEqualTo(1);

        WebhookDelivery dead = delivery(subscription, dropped);
        assertThat(dead.state()).isEqualTo(DeliveryState.DEAD);
        assertThat(dead.attempts()).isEqualTo(1);
        assertThat(dead.lastError()).as("the platform's loss, then the receiver's last answer")
                .contains(WebhookDeliveries.DROPPED_BY_THE_SCHEDULER + "; the last attempt: the receiver answered 500");
        assertThat(delivery(subscription, held).state()).isEqualTo(DeliveryState.PENDING);
        assertThat(delivery(subscription, delivered).state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(delivery(subscription, notHandedOver).state()).isEqualTo(DeliveryState.PENDING);
        assertThat(deliveries.markDeadWhenUnscheduled(10)).isZero();
        assertThatThrownBy(() -> deliveries.markDeadWhenUnscheduled(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A run of put-offs is kept from its first (ADR 0025, session 38): later ones answer how long since, an attempt
     * ends the run, and only a pending delivery is put off. Nothing of it shows in the log. How long is the store's
     * clock's (amended in session 48).
     */
    @Test
    void aRunOfPutOffsIsKeptFromItsFirstUntilAnAttempt() {
        WebhookSubscription subscription = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookDeliveryId id = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        WebhookDelivery before = delivery(subscription, id);

        assertThat(deliveries.recordPutOff(id)).as("the run's first").contains(Duration.ZERO);
        putOffsAged(id, Duration.ofSeconds(30));
        assertThat(deliveries.recordPutOff(id)).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(30),
                Duration.ofMinutes(30)));
        putOffsAged(id, Duration.ofSeconds(30));
        assertThat(deliveries.recordPutOff(id)).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(60),
                Duration.ofMinutes(30)));
        assertThat(delivery(subscription, id)).as("a put-off is no attempt").isEqualTo(before);

        // Dated by the attempting instance's clock, here before the store's now.
        deliveries.recordAttempt(id, T0, OptionalInt.of(503), Optional.of("the receiver answered 503"), false);
        assertThat(deliveries.recordPutOff(id)).as("a new run").contains(Duration.ZERO);
        putOffsAged(id, Duration.ofSeconds(30));
        assertThat(deliveries.recordPutOff(id)).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(30),
                Duration.ofMinutes(30)));

        deliveries.recordAttempt(id, T0.plusSeconds(180), OptionalInt.of(204), Optional.empty(), true);
        assertThat(deliveries.recordPutOff(id)).as("delivered: not put off").isEmpty();
        assertThat(deliveries.recordPutOff(new WebhookDeliveryId(UUID.randomUUID()))).isEmpty();
    }

    /** Dead for the platform's reason: the reason is its last error, cut to 500; what its attempts logged stays. */
    @Test
    void aDeliveryEndedForThePlatformsReasonSaysWhyAndKeepsItsAttempts() {
        WebhookSubscription subscription = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookDeliveryId id = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        WebhookDeliveryId delivered = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        deliveries.recordAttempt(id, T0, OptionalInt.of(503), Optional.of("the receiver answered 503"), false);
        deliveries.recordAttempt(delivered, T0, OptionalInt.of(204), Optional.empty(), true);
        WebhookDelivery deliveredBefore = delivery(subscription, delivered);

        deliveries.markDead(id, "put off for 64 min " + "x".repeat(WebhookDeliveries.MAX_ERROR));
        deliveries.markDead(delivered, "put off");

        WebhookDelivery dead = delivery(subscription, id);
        assertThat(dead.state()).isEqualTo(DeliveryState.DEAD);
        assertThat(dead.attempts()).isEqualTo(1);
        assertThat(dead.lastAttemptAt()).contains(T0);
        assertThat(dead.lastStatusCode()).hasValue(503);
        assertThat(dead.lastError()).hasValueSatisfying(why -> assertThat(why).startsWith("put off for 64 min")
                .hasSize(WebhookDeliveries.MAX_ERROR));
        assertThat(delivery(subscription, delivered)).as("delivered stays delivered").isEqualTo(deliveredBefore);
        assertThat(deliveries.recordPutOff(id)).isEmpty();
        assertThatThrownBy(() -> deliveries.markDead(id, " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anErrorTextIsKeptToItsFirstFiveHundredCharactersAndAnEmptyOneIsNone() {
        WebhookSubscription subscription = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookDeliveryId id = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();
        String tooLong = "a".repeat(WebhookDeliveries.MAX_ERROR) + "b".repeat(300);

        deliveries.recordAttempt(id, T0, OptionalInt.empty(), Optional.of(tooLong), false);
        assertThat(delivery(subscription, id).lastError()).contains("a".repeat(WebhookDeliveries.MAX_ERROR));

        deliveries.recordAttempt(id, T0.plusSeconds(1), OptionalInt.of(502), Optional.of(""), false);
        assertThat(delivery(subscription, id).lastError()).isEmpty();
        assertThat(delivery(subscription, id).attempts()).isEqualTo(2);
    }

    /** HttpClient passes a receiver's "600" or "999" on: the attempt is recorded, the non-status is not kept. */
    @Test
    void aStatusOutsideHttpsRangeIsRecordedAsAnAttemptWithoutTheStatus() {
        WebhookSubscription subscription = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookDeliveryId id = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED)).id();

        for (int notAStatus : new int[] {600, 999, 99, 0}) {
            deliveries.recordAttempt(id, T0, OptionalInt.of(notAStatus),
                    Optional.of("the receiver answered status " + notAStatus + ", not an HTTP status"), false);
            WebhookDelivery logged = delivery(subscription, id);
            assertThat(logged.lastStatusCode()).as("status %d", notAStatus).isEmpty();
            assertThat(logged.lastError()).contains("the receiver answered status " + notAStatus + ", not an HTTP status");
        }
        deliveries.recordAttempt(id, T0, OptionalInt.of(599), Optional.of("the receiver answered 599"), false);
        assertThat(delivery(subscription, id).lastStatusCode()).hasValue(599);
        assertThat(delivery(subscription, id).attempts()).isEqualTo(5);
        assertThat(delivery(subscription, id).state()).isEqualTo(DeliveryState.PENDING);
    }

    @Test
    void removingASubscriptionRemovesItsDeliveriesAndLeavesTheOthers() {
        WebhookSubscription removed = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookSubscription kept = subscribed(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        Appended event = eventAppended(BLUE, WebhookEventType.OPERATION_SUBMITTED);
        WebhookDeliveryId gone = delivery(removed, event).id();
        WebhookDeliveryId stays = delivery(kept, event).id();

        assertThat(subscriptions.remove(BLUE, removed.id())).isTrue();

        assertThat(deliveries.message(gone)).isEmpty();
        assertThat(deliveries.log(removed.id(), 10)).isEmpty();
        assertThat(deliveries.undispatched(10)).containsExactly(stays);
        assertThat(deliveries.message(stays)).isPresent();
        assertThat(deliveries.log(kept.id(), 10)).extracting(WebhookDelivery::id).containsExactly(stays);
        // An attempt already under way, or the scheduler giving up, on a delivery that is gone does nothing.
        deliveries.recordAttempt(gone, T0, OptionalInt.of(204), Optional.empty(), true);
        deliveries.markDead(gone);
        assertThat(deliveries.message(gone)).isEmpty();
        assertThat(deliveries.log(removed.id(), 10)).isEmpty();
        // The purge takes nothing of the kept one's.
        while (deliveries.purgeRemoved(Duration.ZERO, 10) > 0) {
            // until nothing of the removed one is left
        }
        assertThat(deliveries.log(kept.id(), 10)).extracting(WebhookDelivery::id).containsExactly(stays);
        assertThat(subscriptions.find(BLUE, kept.id())).contains(kept);
    }

    /** A removal is a mark the purge acts on later (ADR 0025, session 37); it frees the team's place at once. */
    @Test
    void aRemovedSubscriptionIsNotCountedTowardTheLimit() {
        List<WebhookSubscription> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            WebhookSubscription s = subscription(BLUE);
            assertThat(subscriptions.add(s, WebhookSecret.random(), 3)).isTrue();
            three.add(s);
        }
        assertThat(subscriptions.add(subscription(BLUE), WebhookSecret.random(), 3)).isFalse();

        assertThat(subscriptions.remove(BLUE, three.getFirst().id())).isTrue();

        assertThat(subscriptions.count(BLUE)).isEqualTo(2);
        assertThat(subscriptions.list(BLUE)).containsExactlyInAnyOrderElementsOf(three.subList(1, 3));
        assertThat(subscriptions.find(BLUE, three.getFirst().id())).isEmpty();
        assertThat(subscriptions.add(subscription(BLUE), WebhookSecret.random(), 3)).isTrue();
    }

    /** Its deliveries, pending or not yet handed over, are neither handed over, attempted, swept nor read any more. */
    @Test
    void aRemovedSubscriptionGetsNoDeliveryAndItsOwnAreNotSent() {
        WebhookSubscription removed = subscribed(BLUE, WebhookEventType.OPERATION_COMPLETED);
        WebhookDeliveryId handedOver = delivery(removed, eventAppended(BLUE, WebhookEventType.OPERATION_COMPLETED)).id();
        WebhookDeliveryId notHandedOver = delivery(removed, eventAppended(BLUE, WebhookEventType.OPERATION_COMPLETED)).id();
        deliveries.markDispatched(List.of(handedOver));

        assertThat(subscriptions.remove(BLUE, removed.id())).isTrue();
        eventAppended(BLUE, WebhookEventType.OPERATION_COMPLETED);

        assertThat(deliveries.undispatched(10)).isEmpty();
        assertThat(deliveries.message(handedOver)).isEmpty();
        assertThat(deliveries.message(notHandedOver)).isEmpty();
        assertThat(deliveries.log(removed.id(), 10)).isEmpty();
        // Its task is gone with no give-up: the sweep leaves it to the purge.
        assertThat(deliveries.markDeadWhenUnscheduled(10)).isZero();
        assertThat(subscriptions.remove(BLUE, removed.id())).isFalse();
    }

    /** Its rows go in steps of at most the limit, the subscription last, and only once the wait has passed. */
    @Test
    void aRemovedSubscriptionsRowsArePurgedInStepsOnceTheWaitHasPassed() {
        WebhookSubscription removed = subscribed(BLUE, WebhookEventType.OPERATION_FAILED);
        for (int i = 0; i < 5; i++) {
            eventAppended(BLUE, WebhookEventType.OPERATION_FAILED);
        }
        assertThat(deliveries.purgeRemoved(Duration.ZERO, 10)).as("nothing removed yet").isZero();
        assertThat(subscriptions.remove(BLUE, removed.id())).isTrue();

        assertThat(deliveries.purgeRemoved(Duration.ofHours(1), 10)).as("removed just now").isZero();
        assertThat(deliveries.purgeRemoved(Duration.ZERO, 2)).isEqualTo(2);
        assertThat(deliveries.purgeRemoved(Duration.ZERO, 2)).isEqualTo(2);
        assertThat(deliveries.purgeRemoved(Duration.ZERO, 2)).as("the last delivery, then the subscription").isEqualTo(2);
        assertThat(deliveries.purgeRemoved(Duration.ZERO, 2)).isZero();
        assertThatThrownBy(() -> deliveries.purgeRemoved(Duration.ZERO, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(subscriptions.remove(BLUE, removed.id())).isFalse();
    }

    /** Ended deliveries go in steps of at most the limit (ADR 0025, session 53); a pending one stays, whatever its age. */
    @Test
    void endedDeliveriesArePurgedInStepsAndPendingOnesStay() {
        WebhookSubscription subscription = subscribed(BLUE, WebhookEventType.OPERATION_COMPLETED);
        WebhookDeliveryId delivered = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_COMPLETED)).id();
        WebhookDeliveryId dead = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_COMPLETED)).id();
        WebhookDeliveryId pending = delivery(subscription, eventAppended(BLUE, WebhookEventType.OPERATION_COMPLETED)).id();
        deliveries.recordAttempt(delivered, T0, OptionalInt.of(204), Optional.empty(), true);
        deliveries.recordAttempt(pending, T0, OptionalInt.of(500), Optional.of("the receiver answered 500"), false);
        deliveries.markDead(dead);

        assertThat(deliveries.purgeEnded(Duration.ZERO, 1)).isEqualTo(1);
        assertThat(deliveries.purgeEnded(Duration.ZERO, 1)).isEqualTo(1);
        assertThat(deliveries.purgeEnded(Duration.ZERO, 1)).isZero();

        assertThat(deliveries.log(subscription.id(), 10)).extracting(WebhookDelivery::id).containsExactly(pending);
        assertThat(deliveries.message(delivered)).isEmpty();
        assertThat(deliveries.message(dead)).isEmpty();
        assertThat(deliveries.message(pending)).isPresent();
        assertThatThrownBy(() -> deliveries.purgeEnded(Duration.ZERO, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
