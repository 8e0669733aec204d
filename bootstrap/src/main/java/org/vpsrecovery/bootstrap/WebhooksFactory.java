package org.vpsrecovery.bootstrap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import org.vpsrecovery.adapters.http.webhook.ApacheWebhookTransport;
import org.vpsrecovery.adapters.http.webhook.StandardWebhooksFormat;
import org.vpsrecovery.application.webhook.DeliverWebhooksService;
import org.vpsrecovery.application.webhook.DeliverySlots;
import org.vpsrecovery.application.webhook.ManageWebhooksService;
import org.vpsrecovery.application.webhook.ManageWebhooksUseCase;
import org.vpsrecovery.application.webhook.WebhookTargetGuard;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.port.WebhookMessageFormat;
import org.vpsrecovery.domain.port.WebhookSubscriptions;
import org.vpsrecovery.domain.webhook.TargetAddressRules;

/** The webhook use cases, their HTTP sender and the SSRF guard's allowances (ADR 0025). */
@Factory
public class WebhooksFactory {

    static final String ALLOW_LOOPBACK = "vpsr.webhooks.allow-loopback";
    static final String ALLOW_PRIVATE_NETWORKS = "vpsr.webhooks.allow-private-networks";
    static final String MAX_ATTEMPTS = "vpsr.webhooks.max-attempts";
    static final String FIRST_RETRY = "vpsr.webhooks.first-retry";
    static final String MAX_CONCURRENT = "vpsr.webhooks.max-concurrent";
    static final String MAX_CONCURRENT_PER_HOST = "vpsr.webhooks.max-concurrent-per-host";
    static final String MAX_CONCURRENT_PER_TEAM = "vpsr.webhooks.max-concurrent-per-team";
    static final String NO_SLOT_RETRY = "vpsr.webhooks.no-slot-retry";
    /** A scrape reads the dispatch backlog from the database at most this often, on every instance. */
    static final Duration BACKLOG_READ_EVERY = Duration.ofSeconds(10);

    /**
     * Attempts at once on this instance, in all, to one host and for one team: they run on the cluster jobs' threads,
     * and one receiver that never answers must hold neither all of them nor another team's deliveries, nor may one
     * team's slow receivers on many hosts take every slot (ADR 0025). A team's share unset (0) is every slot but one,
     * so another team always has one; all of them when there is only one.
     */
    @Singleton
    DeliverySlots webhookDeliverySlots(@Value("${" + MAX_CONCURRENT + ":2}") int inAll,
                                       @Value("${" + MAX_CONCURRENT_PER_HOST + ":1}") int perHost,
                                       @Value("${" + MAX_CONCURRENT_PER_TEAM + ":0}") int perTeam,
                                       @Value("${" + NO_SLOT_RETRY + ":2s}") Duration noSlotRetry,
                                       @Value("${" + FIRST_RETRY + ":30s}") Duration firstRetry, MeterRegistry registry) {
        if (inAll < 1 || inAll >= ClusterJobs.THREADS) {
            throw new StartupRefused(MAX_CONCURRENT + " must be 1-" + (ClusterJobs.THREADS - 1)
                    + ": the other jobs keep at least one of the " + ClusterJobs.THREADS + " job threads");
        }
        if (perHost < 1 || perHost > inAll) {
            throw new StartupRefused(MAX_CONCURRENT_PER_HOST + " must be 1-" + inAll + " (" + MAX_CONCURRENT + ")");
        }
        if (perTeam < 0 || perTeam > inAll) {
            throw new StartupRefused(MAX_CONCURRENT_PER_TEAM + " must be 1-" + inAll + " (" + MAX_CONCURRENT
                    + "), or 0 for every slot but one");
        }
        if (noSlotRetry.isNegative() || noSlotRetry.isZero()) {
            throw new StartupRefused(NO_SLOT_RETRY + " must be positive");
        }
        // A put-off grows while its host stays busy, to no longer than a failed attempt's first retry.
        Duration longestPutOff = firstRetry.compareTo(noSlotRetry) > 0 ? firstRetry : noSlotRetry;
        DeliverySlots slots = new DeliverySlots(inAll, perHost, perTeam == 0 ? Math.max(1, inAll - 1) : perTeam,
                noSlotRetry, longestPutOff);
        for (DeliverySlots.PutOffCause cause : DeliverySlots.PutOffCause.values()) {
            FunctionCounter.builder("vpsr.webhooks.put_offs", slots, s -> s.putOffs(cause))
                    .description("Webhook attempts put off on this instance: no free slot (of the host, the team or "
                            + "the instance), or the host's lookup never began (behind others' or the team's own)")
                    .tag("cause", cause.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        return slots;
    }

    /** One set of rules, for the guard's check and for the connection's own resolution. */
    @Singleton
    TargetAddressRules webhookTargetRules(@Value("${" + ALLOW_LOOPBACK + ":false}") boolean allowLoopback,
                                          @Value("${" + ALLOW_PRIVATE_NETWORKS + ":false}") boolean allowPrivate) {
        return new TargetAddressRules(allowLoopback, allowPrivate);
    }

    /**
     * The message's wire format lives with the HTTP side; the persistence adapter's audit append
     * calls it to store each delivery's body (ADR 0030), so both adapters meet only at this port.
     */
    @Singleton
    WebhookMessageFormat webhookMessageFormat() {
        return new StandardWebhooksFormat();
    }

    /**
     * A team's delivery lookups at once are its share of the delivery slots, those still running past their time counted
     * until the resolver answers: its attempts never wait for one another's healthy lookups, and its names that hang hold
     * at most that many of the shared lookup threads, fewer than all (ADR 0025, session 39).
     */
    @Singleton
    @Bean(preDestroy = "close")
    ApacheWebhookTransport webhookTransport(@Value("${vpsr.webhooks.connect-timeout:5s}") Duration connectTimeout,
                                            @Value("${vpsr.webhooks.answer-timeout:10s}") Duration answerTimeout,
                                            TargetAddressRules rules, DeliverySlots slots, MeterRegistry registry) {
        // Zero is "no timeout" to Apache's client: an attempt could then hang on a receiver for ever.
        ApacheWebhookTransport transport = new ApacheWebhookTransport(
                StartupRefused.unlessPositive("vpsr.webhooks.connect-timeout", connectTimeout),
                StartupRefused.unlessPositive("vpsr.webhooks.answer-timeout", answerTimeout), rules, slots.perTeam());
        Gauge.builder("vpsr.webhooks.lookups_past_their_time", transport,
                        ApacheWebhookTransport::deliveryLookupsPastTheirTime)
                .description("Webhook host lookups still running after their time limit (the resolver cannot be "
                        + "interrupted): each holds one of the transport's lookup threads, counted against its team")
                .tag("for", "deliveries").register(registry);
        Gauge.builder("vpsr.webhooks.lookups_past_their_time", transport,
                        ApacheWebhookTransport::subscriptionLookupsPastTheirTime)
                .description("Webhook host lookups still running after their time limit (the resolver cannot be "
                        + "interrupted): each holds one of the transport's lookup threads, counted against its team")
                .tag("for", "subscriptions").register(registry);
        return transport;
    }

    /** Its guard looks names up on threads of their own: a team's names that hang there hold no delivery's lookup. */
    @Singleton
    ManageWebhooksUseCase manageWebhooks(WebhookSubscriptions subscriptions, WebhookDeliveries deliveries,
                                         ApacheWebhookTransport transport, TargetAddressRules rules, Clock clock) {
        return new ManageWebhooksService(subscriptions, deliveries,
                new WebhookTargetGuard(transport.subscriptionChecks(), rules), clock);
    }

    /**
     * A delivery put off with no attempt for as long as a failing receiver's retries take (plus a first retry) is dead:
     * put-offs are no failures, so nothing else would end it (ADR 0025, session 38).
     */
    @Singleton
    DeliverWebhooksService deliverWebhooks(WebhookDeliveries deliveries, ApacheWebhookTransport transport,
                                           TargetAddressRules rules, Clock clock, DeliverySlots slots,
                                           @Value("${" + FIRST_RETRY + ":30s}") Duration firstRetry,
                                           @Value("${" + MAX_ATTEMPTS + ":8}") int maxAttempts, MeterRegistry registry) {
        if (maxAttempts < 1 || firstRetry.isNegative() || firstRetry.isZero()) {
            throw new StartupRefused(MAX_ATTEMPTS + " must be at least 1 and " + FIRST_RETRY + " positive");
        }
        DeliverWebhooksService service = new DeliverWebhooksService(deliveries, transport,
                new WebhookTargetGuard(transport, rules), clock, slots,
                DeliverWebhooksService.putOffLimit(firstRetry, maxAttempts));
        FunctionCounter.builder("vpsr.webhooks.dead_after_put_offs", service, DeliverWebhooksService::deadAfterPutOffs)
                .description("Webhook deliveries this instance ended dead for being put off with no attempt for longer "
                        + "than their retries may take").register(registry);
        for (DeliverWebhooksService.DeadCause cause : DeliverWebhooksService.DeadCause.values()) {
            FunctionCounter.builder("vpsr.webhooks.dead", service, s -> s.deadFor(cause))
                    .description("Webhook deliveries this instance ended dead, by why: the receiver failed every attempt, "
                            + "the platform's own errors, put off too long, or found dropped by the scheduler (the sweep)")
                    .tag("cause", cause.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        return service;
    }

    /** The dispatch backlog's gauges, read on a thread of their own: a scrape never waits on the database. */
    @Bean(preDestroy = "close")
    @io.micronaut.context.annotation.Context
    GaugeReading<WebhookDeliveries.Backlog> dispatchBacklogReading(DeliverWebhooksService service,
                                                                  MeterRegistry registry) {
        GaugeReading<WebhookDeliveries.Backlog> backlog = new GaugeReading<>("webhook-backlog", service::dispatchBacklog,
                new WebhookDeliveries.Backlog(0, Duration.ZERO), BACKLOG_READ_EVERY).withLastReadGauge(registry);
        Gauge.builder("vpsr.webhooks.undispatched", backlog, b -> b.latest().count())
                .description("Webhook deliveries waiting for the dispatcher, all teams', read from the database every "
                        + BACKLOG_READ_EVERY.toSeconds() + " s").register(registry);
        Gauge.builder("vpsr.webhooks.undispatched_oldest_age_seconds", backlog,
                        b -> b.latest().oldestAge().toMillis() / 1000.0)
                .description("How long the oldest webhook delivery waiting for the dispatcher has waited, on the "
                        + "database's clock; 0 when none waits").register(registry);
        return backlog;
    }
}
