package org.vpsrecovery.application.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.webhook.DeliverWebhooksService.Attempt;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.port.WebhookSubscriptions;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.testing.AdjustableClock;
import org.vpsrecovery.domain.testing.ForwardingWebhookSubscriptions;
import org.vpsrecovery.domain.testing.InMemoryWebhooks;
import org.vpsrecovery.domain.webhook.DeliveryState;
import org.vpsrecovery.domain.webhook.TargetAddressRules;
import org.vpsrecovery.domain.webhook.WebhookDeliveryId;
import org.vpsrecovery.domain.webhook.WebhookEventType;
import org.vpsrecovery.domain.webhook.WebhookSecret;
import org.vpsrecovery.domain.webhook.WebhookSubscription;
import org.vpsrecovery.domain.webhook.WebhookSubscriptionId;
import org.vpsrecovery.domain.webhook.WebhookTarget;
import org.vpsrecovery.domain.webhook.WebhookTargetChecksBusy;

class WebhooksServiceTest {

    private static final TeamId BLUE = new TeamId("blue");
    private static final TeamId RED = new TeamId("red");
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private final Map<String, String> dns = new HashMap<>(Map.of("hooks.example.com", "93.184.215.14"));
    private final ScriptedReceiver receiver = new ScriptedReceiver(dns);
    /** The defaults' limit: 30 s × 2^(8-1). */
    private static final Duration PUT_OFF_LIMIT = DeliverWebhooksService.putOffLimit(Duration.ofSeconds(30), 8);
    /** The test's time: it moves only when a test moves it. */
    private final AdjustableClock clock = new AdjustableClock(NOW);
    /** Its clock is the test's too: a run of put-offs is timed on the store's clock (ADR 0025, amended in session 48). */
    private final InMemoryWebhooks store = new InMemoryWebhooks(clock);
    private final WebhookTargetGuard guard = new WebhookTargetGuard(receiver, TargetAddressRules.PUBLIC_ONLY);
    private final ManageWebhooksService manage = new ManageWebhooksService(store, store, guard, clock);
    private final DeliverWebhooksService deliver = deliveringThrough(receiver, guard, slots());

    /** Two slots in all, one per host, one per team; put-offs of 2 s to 30 s. */
    private static DeliverySlots slots() {
        return new DeliverySlots(2, 1, 1, Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    private ManageWebhooksUseCase.CreatedWebhook subscribe() {
        return manage.create(BLUE, WebhookTarget.parse("https://hooks.example.com/vpsr"),
                Set.of(WebhookEventType.OPERATION_COMPLETED));
    }

    /** A delivery of an empty {@code operation.completed} event, the {@code sequence}th, to {@code created}. */
    private WebhookDeliveryId enqueued(ManageWebhooksUseCase.CreatedWebhook created, long sequence) {
        return store.enqueue(created.subscription().id(), WebhookEventType.OPERATION_COMPLETED, sequence, "{}");
    }

    /** Deliveries of the store through {@code transport}, checked by {@code targets}, on the test's clock. */
    private DeliverWebhooksService deliveringThrough(WebhookTransport transport, WebhookTargetGuard targets,
                                                     DeliverySlots slots) {
        return new DeliverWebhooksService(store, transport, targets, clock, slots, PUT_OFF_LIMIT);
    }

    /** Subscriptions whose target checks' every lookup is refused with {@code refusal}; a create posts nothing. */
    private ManageWebhooksService managedWhereLookupsAreRefused(Function<TeamId, RuntimeException> refusal) {
        WebhookTransport refusing = new WebhookTransport() {
            @Override
            public List<java.net.InetAddress> resolve(TeamId team, String host) {
                throw refusal.apply(team);
            }

            @Override
            public Response post(TeamId team, WebhookTarget target, Map<String, String> headers, String body) {
                throw new AssertionError("a create sends nothing");
            }
        };
        return new ManageWebhooksService(store, store, new WebhookTargetGuard(refusing, TargetAddressRules.PUBLIC_ONLY),
                clock);
    }

    /**
     * The receiver's addresses, but every lookup refused with {@code refusal}: the guard's while {@code guardsRefused},
     * the connection's (a post) always; each lookup's team noted in {@code askedFor}.
     */
    private WebhookTransport lookupsRefused(BooleanSupplier guardsRefused, Function<TeamId, RuntimeException> refusal,
                                            List<TeamId> askedFor) {
        return new WebhookTransport() {
            @Override
            public List<java.net.InetAddress> resolve(TeamId team, String host) {
                askedFor.add(team);
                if (guardsRefused.getAsBoolean()) {
                    throw refusal.apply(team);
                }
                return receiver.resolve(team, host);
            }

            @Override
            public Response post(TeamId team, WebhookTarget target, Map<String, String> headers, String body) {
                askedFor.add(team);
                throw refusal.apply(team);
            }
        };
    }

    @Test
    void aSubscriptionIsTheTeamsOwnAndItsSecretIsGivenOnce() {
        var created = subscribe();

        assertThat(created.secret().reveal()).startsWith("whsec_");
        assertThat(manage.list(BLUE)).containsExactly(created.subscription());
        assertThat(manage.get(BLUE, created.subscription().id())).isEqualTo(created.subscription());
        assertThat(manage.list(RED)).isEmpty();
        assertThatThrownBy(() -> manage.get(RED, created.subscription().id())).isInstanceOf(ResourceNotFound.class)
                .extracting(e -> ((ResourceNotFound) e).reason()).isEqualTo(ReasonCode.WEBHOOK_NOT_FOUND);
        assertThatThrownBy(() -> manage.delete(RED, created.subscription().id())).isInstanceOf(ResourceNotFound.class);
        assertThatThrownBy(() -> manage.deliveries(RED, created.subscription().id(), java.util.Optional.empty(),
                java.util.OptionalLong.empty(), 10))
                .isInstanceOf(ResourceNotFound.class);

        manage.delete(BLUE, created.subscription().id());
        assertThat(manage.list(BLUE)).isEmpty();
    }

    @Test
    void targetsResolvingToSpecialUseAddressesAreRefused() {
        dns.put("internal.example.com", "10.0.0.7");
        dns.put("metadata.example.com", "169.254.169.254");
        for (String url : List.of("http://127.0.0.1:8080/", "http://[::1]/", "http://internal.example.com/",
                "http://metadata.example.com/latest/meta-data", "http://[::ffff:127.0.0.1]/",
                "https://does-not-resolve.invalid/")) {
            assertThatThrownBy(() -> manage.create(BLUE, WebhookTarget.parse(url), Set.of(WebhookEventType.OPERATION_FAILED)))
                    .as(url).isInstanceOf(RecoveryDenied.class)
                    .extracting(e -> ((RecoveryDenied) e).reason()).isEqualTo(ReasonCode.WEBHOOK_TARGET_REFUSED);
        }
        assertThat(manage.list(BLUE)).isEmpty();
    }

    /** A name that resolves to a private address and one that resolves to none are refused alike (ADR 0025). */
    @Test
    void aRefusedNameSaysNotWhatItResolvesTo() {
        dns.put("internal.example.com", "10.0.0.7");
        List<String> messages = List.of("http://internal.example.com/", "https://does-not-resolve.invalid/").stream()
                .map(url -> catchThrowable(() -> manage.create(BLUE, WebhookTarget.parse(url),
                        Set.of(WebhookEventType.OPERATION_FAILED))).getMessage()).toList();

        assertThat(messages.get(0)).isEqualTo(messages.get(1).replace("does-not-resolve.invalid", "internal.example.com"))
                .doesNotContain("private").doesNotContain("no address");
        assertThat(catchThrowable(() -> manage.create(BLUE, WebhookTarget.parse("http://10.0.0.7/"),
                Set.of(WebhookEventType.OPERATION_FAILED))).getMessage()).contains("private");
    }

    /**
     * A create whose host lookup waited behind other creates' lookups and never began: nothing is known of the host, so
     * it is not refused as not resolving; it is told to try again, and nothing is stored (ADR 0025, session 38).
     */
    @Test
    void aCreateWhoseLookupNeverBeganIsToldToTryAgainAndNothingIsStored() {
        ManageWebhooksService busy = managedWhereLookupsAreRefused(team -> new WebhookTransport.LookupNotStarted(
                "the lookup waited 5000 ms behind others and never began"));

        assertThatThrownBy(() -> busy.create(BLUE, WebhookTarget.parse("https://hooks.example.com/vpsr"),
                Set.of(WebhookEventType.OPERATION_COMPLETED)))
                .isInstanceOfSatisfying(WebhookTargetChecksBusy.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.WEBHOOK_TARGET_CHECKS_BUSY);
                    assertThat(e.retryAfter()).isEqualTo(ManageWebhooksService.CHECKS_BUSY_RETRY_AFTER);
                });
        assertThat(manage.list(BLUE)).isEmpty();
        assertThat(subscribe()).as("the same create once a lookup thread is free").isNotNull();
    }

    /**
     * A create whose lookup was not begun because the team's own earlier check still ran is told to try again, and
     * told that it was its team's own check (ADR 0025, session 39).
     */
    @Test
    void aCreateBehindItsTeamsOwnCheckIsToldToTryAgainAndWhy() {
        ManageWebhooksService busy = managedWhereLookupsAreRefused(team -> new WebhookTransport.TeamLookupsStillRunning(
                team, "the team's earlier lookup still runs"));

        assertThatThrownBy(() -> busy.create(BLUE, WebhookTarget.parse("https://hooks.example.com/vpsr"),
                Set.of(WebhookEventType.OPERATION_COMPLETED)))
                .isInstanceOfSatisfying(WebhookTargetChecksBusy.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.WEBHOOK_TARGET_CHECKS_BUSY);
                    assertThat(e.retryAfter()).isEqualTo(ManageWebhooksService.CHECKS_BUSY_RETRY_AFTER);
                    assertThat(e.getMessage()).contains("this team's earlier webhook target check");
                });
        assertThat(manage.list(BLUE)).isEmpty();
    }

    @Test
    void aTeamHasAtMostTwentySubscriptions() {
        for (int i = 0; i < ManageWebhooksService.MAX_PER_TEAM; i++) {
            subscribe();
        }
        assertThatThrownBy(this::subscribe).isInstanceOf(RecoveryDenied.class)
                .extracting(e -> ((RecoveryDenied) e).reason()).isEqualTo(ReasonCode.WEBHOOK_LIMIT_REACHED);
        assertThat(manage.create(RED, WebhookTarget.parse("https://hooks.example.com/red"),
                Set.of(WebhookEventType.OPERATION_FAILED))).isNotNull();
    }

    /** Others' creates got in between the early count and the add: the add's own check refuses, typed. */
    @Test
    void anAddRefusedAtTheLimitIsTheTypedRefusalEvenAfterTheEarlyCountSaidThereWasRoom() {
        for (int i = 0; i < ManageWebhooksService.MAX_PER_TEAM; i++) {
            subscribe();
        }
        WebhookSubscriptions countingNone = new ForwardingWebhookSubscriptions(store) {
            @Override
            public int count(TeamId team) {
                return 0; // read before the others' adds committed
            }
        };
        ManageWebhooksService racing = new ManageWebhooksService(countingNone, store, guard, clock);

        assertThatThrownBy(() -> racing.create(BLUE, WebhookTarget.parse("https://hooks.example.com/late"),
                Set.of(WebhookEventType.OPERATION_FAILED))).isInstanceOf(RecoveryDenied.class)
                .extracting(e -> ((RecoveryDenied) e).reason()).isEqualTo(ReasonCode.WEBHOOK_LIMIT_REACHED);
        assertThat(store.count(BLUE)).isEqualTo(ManageWebhooksService.MAX_PER_TEAM);
    }

    /**
     * The add's commit failed (the row may be stored): the outcome is unknown, look before retrying. Not a 500 (session
     * 38), nor PLATFORM_UNAVAILABLE, whose Retry-After invites a retry that makes a second subscription (session 44).
     */
    @Test
    void anAddWhoseCommitFailedSaysTheOutcomeIsUnknown() {
        WebhookSubscriptions storedThenLost = new ForwardingWebhookSubscriptions(store) {
            @Override
            public boolean add(WebhookSubscription subscription, WebhookSecret secret, int maxPerTeam) {
                super.add(subscription, secret, maxPerTeam);
                throw new IllegalStateException("the connection dropped during the commit");
            }
        };
        ManageWebhooksService lossy = new ManageWebhooksService(storedThenLost, store, guard, clock);

        assertThatThrownBy(() -> lossy.create(BLUE, WebhookTarget.parse("https://hooks.example.com/maybe"),
                Set.of(WebhookEventType.OPERATION_FAILED)))
                .isInstanceOfSatisfying(org.vpsrecovery.domain.port.PlatformOutcomeUnknown.class,
                        unknown -> assertThat(unknown.reason()).isEqualTo(ReasonCode.PLATFORM_OUTCOME_UNKNOWN))
                .hasMessageContaining("unknown");
    }

    /**
     * The same for a removal: a store whose answer was lost after the UPDATE may have removed it, so not 503
     * PLATFORM_UNAVAILABLE ("nothing was done, retry") but PLATFORM_OUTCOME_UNKNOWN (session 44, after review).
     */
    @Test
    void aRemoveWhoseCommitFailedSaysTheOutcomeIsUnknown() {
        var created = subscribe();
        WebhookSubscriptions storedThenLost = new ForwardingWebhookSubscriptions(store) {
            @Override
            public boolean remove(TeamId team, WebhookSubscriptionId id) {
                super.remove(team, id);
                throw new IllegalStateException("the connection dropped during the commit");
            }
        };
        ManageWebhooksService lossy = new ManageWebhooksService(storedThenLost, store, guard, clock);

        assertThatThrownBy(() -> lossy.delete(BLUE, created.subscription().id()))
                .isInstanceOfSatisfying(org.vpsrecovery.domain.port.PlatformOutcomeUnknown.class,
                        unknown -> assertThat(unknown.reason()).isEqualTo(ReasonCode.PLATFORM_OUTCOME_UNKNOWN))
                .hasMessageContaining(created.subscription().id().toString());
    }

    @Test
    void anAttemptSendsTheStandardWebhooksHeadersSignedWithTheSubscriptionsSecret() throws Exception {
        var created = subscribe();
        String body = "{\"type\":\"operation.completed\",\"data\":{\"server_id\":12345}}";
        WebhookDeliveryId id = store.enqueue(created.subscription().id(), WebhookEventType.OPERATION_COMPLETED, 7, body);

        assertThat(deliver.attempt(id)).isEqualTo(Attempt.DELIVERED);

        ScriptedReceiver.Received sent = receiver.received.getFirst();
        assertThat(sent.body()).isEqualTo(body);
        assertThat(sent.headers()).containsEntry("webhook-id", id.messageId())
                .containsEntry("webhook-timestamp", Long.toString(NOW.getEpochSecond()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(created.secret().reveal().substring(6)), "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(
                (id.messageId() + "." + NOW.getEpochSecond() + "." + body).getBytes(StandardCharsets.UTF_8)));
        assertThat(sent.headers()).containsEntry("webhook-signature", expected);
        var logged = store.delivery(id);
        assertThat(logged.state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(logged.attempts()).isEqualTo(1);
        assertThat(logged.lastStatusCode()).hasValue(204);
        // Delivered once is delivered: a repeated execution sends nothing.
        assertThat(deliver.attempt(id)).isEqualTo(Attempt.NOTHING_TO_DO);
        assertThat(receiver.received).hasSize(1);
    }

    @Test
    void failedAttemptsAreLoggedAndTheDeadLetterSendsNoMore() {
        var created = subscribe();
        WebhookDeliveryId id = enqueued(created, 8);
        receiver.answering(new WebhookTransport.Answered(500), new WebhookTransport.NoAnswer("timeout"));

        assertThat(deliver.attempt(id)).isEqualTo(Attempt.FAILED);
        assertThat(store.delivery(id).lastStatusCode()).hasValue(500);
        assertThat(deliver.attempt(id)).isEqualTo(Attempt.FAILED);
        assertThat(store.delivery(id).lastError()).contains("timeout");
        assertThat(store.delivery(id).lastStatusCode()).isEmpty();
        deliver.giveUpAfterAttempts(id);

        assertThat(deliver.attempt(id)).isEqualTo(Attempt.NOTHING_TO_DO);
        assertThat(store.delivery(id).lastError()).as("the receiver's own last failure").contains("timeout");
        assertThat(deliver.deadFor(DeliverWebhooksService.DeadCause.RECEIVER_FAILED)).isEqualTo(1);
        assertThat(manage.deliveries(BLUE, created.subscription().id(), java.util.Optional.empty(),
                java.util.OptionalLong.empty(), 10).items()).singleElement()
                .satisfies(d -> {
                    assertThat(d.state()).isEqualTo(DeliveryState.DEAD);
                    assertThat(d.attempts()).isEqualTo(2);
                });
    }

    /** HttpClient passes "HTTP/1.1 600 x" on as 600: a failed attempt that says why, and no status kept. */
    @Test
    void anAnswerWithAStatusHttpDoesNotDefineIsAFailedAttemptThatSaysSo() {
        var created = subscribe();
        WebhookDeliveryId id = enqueued(created, 10);
        receiver.answering(new WebhookTransport.Answered(600), new WebhookTransport.Answered(250));

        assertThat(deliver.attempt(id)).isEqualTo(Attempt.FAILED);
        assertThat(store.delivery(id).lastStatusCode()).isEmpty();
        assertThat(store.delivery(id).lastError()).contains("the receiver answered status 600, not an HTTP status");
        assertThat(store.delivery(id).attempts()).isEqualTo(1);
        // 250 is in HTTP's range and a 2xx: delivered.
        assertThat(deliver.attempt(id)).isEqualTo(Attempt.DELIVERED);
        assertThat(store.delivery(id).lastStatusCode()).hasValue(250);
    }

    @Test
    void aHostThatNowResolvesToAPrivateAddressIsNotSentTo() {
        var created = subscribe();
        WebhookDeliveryId id = enqueued(created, 9);
        dns.put("hooks.example.com", "192.168.0.10");

        assertThat(deliver.attempt(id)).isEqualTo(Attempt.FAILED);

        assertThat(receiver.received).isEmpty();
        assertThat(store.delivery(id).lastError()).hasValueSatisfying(e -> assertThat(e).startsWith("target refused"));
    }

    /** The scheduler dropped the task when the retries ran out, and its give-up was lost: the sweep ends it. */
    @Test
    void theSweepMarksDeadADeliveryTheSchedulerDroppedWithoutGivingUp() {
        var created = subscribe();
        WebhookDeliveryId dropped = enqueued(created, 1);
        WebhookDeliveryId held = enqueued(created, 2);
        deliver.dispatch(10, ids -> ids.forEach(store::schedulerHolds));
        receiver.answering(new WebhookTransport.Answered(503));
        assertThat(deliver.attempt(dropped)).isEqualTo(Attempt.FAILED);
        store.schedulerDropped(dropped); // and giveUp never ran

        assertThat(deliver.markDroppedDeliveriesDead(100)).isEqualTo(1);

        assertThat(store.delivery(dropped).state()).isEqualTo(DeliveryState.DEAD);
        assertThat(store.delivery(dropped).lastStatusCode()).hasValue(503);
        assertThat(store.delivery(dropped).lastError()).as("the platform's loss first, then the receiver's answer")
                .hasValue(WebhookDeliveries.DROPPED_BY_THE_SCHEDULER + "; the last attempt: the receiver answered 503");
        assertThat(deliver.deadFor(DeliverWebhooksService.DeadCause.DROPPED_BY_THE_SCHEDULER)).isEqualTo(1);
        assertThat(store.delivery(held).state()).isEqualTo(DeliveryState.PENDING);
        assertThat(deliver.attempt(dropped)).isEqualTo(Attempt.NOTHING_TO_DO);
    }

    /**
     * While one attempt to a host is under way (the receiver has not answered), another to that host finds no slot and
     * is put off, not attempted nor logged; one to another host goes through.
     */
    @Test
    void anAttemptWithNoSlotIsPutOffAndAnotherHostIsNot() {
        dns.put("other.example.com", "93.184.215.15");
        var slow = subscribe();
        var other = manage.create(RED, WebhookTarget.parse("https://other.example.com/"), Set.of(WebhookEventType.OPERATION_COMPLETED));
        WebhookDeliveryId first = enqueued(slow, 1);
        WebhookDeliveryId second = enqueued(slow, 2);
        WebhookDeliveryId otherHost = enqueued(other, 3);
        List<Attempt> whileFirstIsOpen = new ArrayList<>();
        service[0] = deliveringThrough(attemptingWhileTheFirstPostIsOpen(whileFirstIsOpen, second, otherHost), guard, slots());

        assertThat(service[0].attempt(first)).isEqualTo(Attempt.DELIVERED);

        assertThat(whileFirstIsOpen).containsExactly(Attempt.NO_SLOT, Attempt.DELIVERED);
        assertThat(store.delivery(second).attempts()).isZero();
        assertThat(store.delivery(second).state()).isEqualTo(DeliveryState.PENDING);
        assertThat(service[0].attempt(second)).as("the slot came back").isEqualTo(Attempt.DELIVERED);
    }

    /**
     * While one team's attempt is under way, its attempt to another of its hosts finds its share (one of two slots)
     * taken and is put off; another team's attempt gets the slot left (ADR 0025, session 38). Without the share, the
     * first team's second host took the last slot and the other team's delivery was put off.
     */
    @Test
    void oneTeamsSlowReceiversLeaveASlotForAnotherTeam() {
        dns.put("second.example.com", "93.184.215.16");
        dns.put("other.example.com", "93.184.215.15");
        var slow = subscribe();
        var second = manage.create(BLUE, WebhookTarget.parse("https://second.example.com/"), Set.of(WebhookEventType.OPERATION_COMPLETED));
        var other = manage.create(RED, WebhookTarget.parse("https://other.example.com/"), Set.of(WebhookEventType.OPERATION_COMPLETED));
        WebhookDeliveryId first = enqueued(slow, 1);
        WebhookDeliveryId sameTeam = enqueued(second, 1);
        WebhookDeliveryId otherTeam = enqueued(other, 2);
        List<Attempt> whileFirstIsOpen = new ArrayList<>();
        service[0] = deliveringThrough(attemptingWhileTheFirstPostIsOpen(whileFirstIsOpen, sameTeam, otherTeam), guard,
                slots());

        assertThat(service[0].attempt(first)).isEqualTo(Attempt.DELIVERED);

        assertThat(whileFirstIsOpen).containsExactly(Attempt.NO_SLOT, Attempt.DELIVERED);
        assertThat(store.delivery(sameTeam).attempts()).isZero();
        assertThat(service[0].attempt(sameTeam)).as("the team's slot came back").isEqualTo(Attempt.DELIVERED);
    }

    /**
     * A lookup (the guard's, or the connection's own) that waited behind other hosts' hanging lookups and never began is
     * no failure of this receiver: put off, not logged as an attempt.
     */
    @Test
    void anAttemptWhoseLookupNeverBeganIsPutOffNotCounted() {
        var created = subscribe();
        WebhookDeliveryId id = enqueued(created, 1);
        boolean[] guardsLookupQueued = {true};
        WebhookTransport queued = lookupsRefused(() -> guardsLookupQueued[0],
                team -> new WebhookTransport.LookupNotStarted("never began"), new ArrayList<>());
        DeliverWebhooksService service = deliveringThrough(queued, new WebhookTargetGuard(queued,
                TargetAddressRules.PUBLIC_ONLY), slots());

        assertThat(service.attemptOrPutOff(id)).isEqualTo(new DeliverWebhooksService.Outcome(Attempt.NO_SLOT, Duration.ofSeconds(2)));
        guardsLookupQueued[0] = false;
        assertThat(service.attempt(id)).as("the connection's lookup").isEqualTo(Attempt.NO_SLOT);

        assertThat(store.delivery(id).attempts()).isZero();
        assertThat(store.delivery(id).state()).isEqualTo(DeliveryState.PENDING);
    }

    /**
     * A lookup not begun because the team's own earlier lookups still ran (a name of its hangs at the resolver) is put
     * off against that team, with the team's name in its count, not against the lookups of every team; the guard's and
     * the connection's lookups are asked for the subscription's team (ADR 0025, session 39).
     */
    @Test
    void anAttemptWhoseTeamsOwnLookupsStillRunIsPutOffAgainstItsTeam() {
        var created = subscribe();
        WebhookDeliveryId id = enqueued(created, 1);
        List<TeamId> askedFor = new ArrayList<>();
        boolean[] guardsLookupRefused = {true};
        WebhookTransport teamBusy = lookupsRefused(() -> guardsLookupRefused[0],
                team -> new WebhookTransport.TeamLookupsStillRunning(team, "the team's earlier lookups still run"), askedFor);
        DeliverySlots slots = slots();
        DeliverWebhooksService service = deliveringThrough(teamBusy, new WebhookTargetGuard(teamBusy,
                TargetAddressRules.PUBLIC_ONLY), slots);

        assertThat(service.attemptOrPutOff(id)).isEqualTo(new DeliverWebhooksService.Outcome(Attempt.NO_SLOT, Duration.ofSeconds(2)));
        guardsLookupRefused[0] = false;
        assertThat(service.attempt(id)).as("the connection's lookup").isEqualTo(Attempt.NO_SLOT);

        assertThat(askedFor).containsOnly(BLUE);
        assertThat(slots.putOffs(DeliverySlots.PutOffCause.TEAM_LOOKUPS)).isEqualTo(2);
        assertThat(slots.putOffs(DeliverySlots.PutOffCause.LOOKUP)).isZero();
        assertThat(store.delivery(id).attempts()).isZero();
        assertThat(store.delivery(id).state()).isEqualTo(DeliveryState.PENDING);
    }

    private final DeliverWebhooksService[] service = new DeliverWebhooksService[1];

    /**
     * A receiver answering 204 whose first post to hooks.example.com, while it is still open, has {@code service[0]}
     * attempt each of {@code meanwhile} in turn, their answers noted in {@code answers}.
     */
    private WebhookTransport attemptingWhileTheFirstPostIsOpen(List<Attempt> answers, WebhookDeliveryId... meanwhile) {
        return new WebhookTransport() {
            @Override
            public List<java.net.InetAddress> resolve(TeamId team, String host) {
                return receiver.resolve(team, host);
            }

            @Override
            public Response post(TeamId team, WebhookTarget target, Map<String, String> headers, String body) {
                if (target.host().equals("hooks.example.com") && answers.isEmpty()) {
                    for (WebhookDeliveryId delivery : meanwhile) {
                        answers.add(service[0].attempt(delivery));
                    }
                }
                return new Answered(204);
            }
        };
    }

    /**
     * A delivery only ever put off (its host's one slot held by an attempt that never ends) stayed pending for ever,
     * with nothing in its log. Put off with no attempt for the limit (as long as its retries may take), it ends dead,
     * and its log says why (ADR 0025, session 38).
     */
    @Test
    void aDeliveryPutOffForLongerThanItsRetriesMayTakeEndsDeadAndItsLogSaysWhy() {
        var created = subscribe();
        WebhookDeliveryId id = enqueued(created, 1);
        DeliverySlots slots = slots();
        DeliverWebhooksService service = deliveringThrough(receiver, guard, slots);
        DeliverySlots.Slot held = slots.tryTake(RED, "hooks.example.com").orElseThrow();

        for (Duration after = Duration.ZERO; after.compareTo(PUT_OFF_LIMIT) < 0; after = after.plusSeconds(45)) {
            clock.setTo(NOW.plus(after));
            assertThat(service.attempt(id)).isEqualTo(Attempt.NO_SLOT);
        }
        assertThat(store.delivery(id).state()).isEqualTo(DeliveryState.PENDING);
        assertThat(store.delivery(id).lastError()).isEmpty();

        clock.setTo(NOW.plus(PUT_OFF_LIMIT));
        assertThat(service.attempt(id)).isEqualTo(Attempt.PUT_OFF_TOO_LONG);

        var dead = store.delivery(id);
        assertThat(dead.state()).isEqualTo(DeliveryState.DEAD);
        assertThat(dead.attempts()).isZero();
        assertThat(dead.lastError()).hasValueSatisfying(why -> assertThat(why)
                .startsWith("not sent: put off for 64 min with no attempt").contains("at most 64 min").contains("0 attempt(s)"));
        assertThat(service.deadAfterPutOffs()).isEqualTo(1);
        assertThat(service.attempt(id)).isEqualTo(Attempt.NOTHING_TO_DO);
        assertThat(receiver.received).isEmpty();
        held.close();
    }

    /** An attempt ends a run of put-offs: the limit counts from the first put-off after it, and its status stays logged. */
    @Test
    void anAttemptBetweenPutOffsStartsTheirCountAgain() {
        var created = subscribe();
        WebhookDeliveryId id = enqueued(created, 1);
        DeliverySlots slots = slots();
        DeliverWebhooksService service = deliveringThrough(receiver, guard, slots);
        DeliverySlots.Slot held = slots.tryTake(RED, "hooks.example.com").orElseThrow();
        assertThat(service.attempt(id)).isEqualTo(Attempt.NO_SLOT);
        held.close();
        clock.setTo(NOW.plus(PUT_OFF_LIMIT).minusSeconds(1));
        receiver.answering(new WebhookTransport.Answered(503));
        assertThat(service.attempt(id)).isEqualTo(Attempt.FAILED);

        held = slots.tryTake(RED, "hooks.example.com").orElseThrow();
        Instant runStart = clock.instant().plusSeconds(60);
        clock.setTo(runStart);
        assertThat(service.attempt(id)).isEqualTo(Attempt.NO_SLOT);
        clock.setTo(runStart.plus(PUT_OFF_LIMIT).minusSeconds(1));
        assertThat(service.attempt(id)).as("put off for 64 min since the attempt, not since the first put-off")
                .isEqualTo(Attempt.NO_SLOT);
        clock.setTo(runStart.plus(PUT_OFF_LIMIT));
        assertThat(service.attempt(id)).isEqualTo(Attempt.PUT_OFF_TOO_LONG);

        var dead = store.delivery(id);
        assertThat(dead.state()).isEqualTo(DeliveryState.DEAD);
        assertThat(dead.attempts()).isEqualTo(1);
        assertThat(dead.lastStatusCode()).as("the receiver's last answer stays").hasValue(503);
        assertThat(dead.lastError()).hasValueSatisfying(why -> assertThat(why).contains("1 attempt(s) made"));
        held.close();
    }

    @Test
    void thePutOffLimitIsAsLongAsTheRetriesTakePlusAFirstRetry() {
        assertThat(PUT_OFF_LIMIT).isEqualTo(Duration.ofMinutes(64));
        // 30 + 60 + 120 s of backoff between four attempts, then one first retry more.
        assertThat(DeliverWebhooksService.putOffLimit(Duration.ofSeconds(30), 4)).isEqualTo(Duration.ofSeconds(240));
        assertThat(DeliverWebhooksService.putOffLimit(Duration.ofSeconds(30), 1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(DeliverWebhooksService.putOffLimit(Duration.ofSeconds(1), 40)).isEqualTo(Duration.ofSeconds(1L << 20));
    }

    @Test
    void dispatchHandsEachDeliveryOverOnce() {
        var created = subscribe();
        enqueued(created, 1);
        enqueued(created, 2);
        List<WebhookDeliveryId> scheduled = new ArrayList<>();

        assertThat(deliver.dispatch(10, scheduled::addAll)).isEqualTo(2);
        assertThat(deliver.dispatch(10, scheduled::addAll)).isZero();
        assertThat(scheduled).hasSize(2).doesNotHaveDuplicates();
    }
}
