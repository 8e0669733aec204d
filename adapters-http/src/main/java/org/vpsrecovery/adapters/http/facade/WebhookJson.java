package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.vpsrecovery.application.webhook.ManageWebhooksUseCase;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.webhook.WebhookDelivery;
import org.vpsrecovery.domain.webhook.WebhookEventType;
import org.vpsrecovery.domain.webhook.WebhookSecret;
import org.vpsrecovery.domain.webhook.WebhookSubscription;

/** A webhook subscription on the wire; the secret only in {@link CreatedWebhookJson}, the create answer. */
@Serdeable
public record WebhookJson(String id, String url, @JsonProperty("event_types") @ArraySchema(schema = @Schema(implementation = EventType.class)) List<String> eventTypes,
                          @JsonProperty("created_at") String createdAt) {

    /** The one answer with the secret: it is not shown again. */
    @Serdeable
    public record CreatedWebhookJson(String id, String url, @JsonProperty("event_types") @ArraySchema(schema = @Schema(implementation = EventType.class)) List<String> eventTypes,
                                     @JsonProperty("created_at") String createdAt, String secret) {
    }

    /**
     * One webhook with its deliveries not yet handed to the scheduler (ADR 0025, session 50): how many, counted up to
     * 10,000 (that many means at least that many), and the oldest one's age in whole seconds, null when none waits.
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record WebhookWithBacklogJson(String id, String url, @JsonProperty("event_types") @ArraySchema(schema = @Schema(implementation = EventType.class)) List<String> eventTypes,
                                         @JsonProperty("created_at") String createdAt,
                                         @JsonProperty("undispatched_deliveries") long undispatchedDeliveries,
                                         @Nullable @JsonProperty("oldest_undispatched_age_seconds")
                                         Long oldestUndispatchedAgeSeconds) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record WebhookPageJson(int count, List<WebhookJson> results) {
    }

    @Serdeable
    public record DeliveryJson(String id, @JsonProperty("webhook_id") String webhookId,
                               @JsonProperty("event_type") String eventType,
                               @JsonProperty("audit_sequence") long auditSequence, String state, int attempts,
                               @Nullable @JsonProperty("last_attempt_at") String lastAttemptAt,
                               @Nullable @JsonProperty("last_status_code") Integer lastStatusCode,
                               @Nullable @JsonProperty("last_error") String lastError,
                               @JsonProperty("created_at") String createdAt,
                               @Nullable @JsonProperty("delivered_at") String deliveredAt) {
    }

    /** {@code next}: pass it back as {@code cursor} for the following page; null on the last page. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record DeliveryPageJson(int count, @Nullable String next, List<DeliveryJson> results) {
    }

    static WebhookJson of(WebhookSubscription s) {
        return new WebhookJson(s.id().toString(), s.target().toString(), eventTypes(s), s.createdAt().toString());
    }

    static CreatedWebhookJson created(WebhookSubscription s, WebhookSecret secret) {
        return new CreatedWebhookJson(s.id().toString(), s.target().toString(), eventTypes(s), s.createdAt().toString(),
                secret.reveal());
    }

    static WebhookWithBacklogJson withBacklog(ManageWebhooksUseCase.WebhookWithBacklog w) {
        WebhookSubscription s = w.subscription();
        long waiting = w.undispatched().count();
        return new WebhookWithBacklogJson(s.id().toString(), s.target().toString(), eventTypes(s), s.createdAt().toString(),
                waiting, waiting == 0 ? null : w.undispatched().oldestAge().toSeconds());
    }

    static WebhookPageJson page(List<WebhookSubscription> subscriptions) {
        return new WebhookPageJson(subscriptions.size(), subscriptions.stream().map(WebhookJson::of).toList());
    }

    static DeliveryPageJson deliveries(KeysetPage<WebhookDelivery, Long> page) {
        List<WebhookDelivery> deliveries = page.items();
        return new DeliveryPageJson(deliveries.size(), page.next().map(AuditReportParameters::cursorOf).orElse(null),
                deliveries.stream().map(d -> new DeliveryJson(d.id().toString(),
                d.subscription().toString(), d.eventType().wireName(), d.auditSequence(), d.state().wireName(),
                d.attempts(), d.lastAttemptAt().map(Object::toString).orElse(null),
                d.lastStatusCode().isPresent() ? d.lastStatusCode().getAsInt() : null, d.lastError().orElse(null),
                d.createdAt().toString(), d.deliveredAt().map(Object::toString).orElse(null))).toList());
    }

    private static List<String> eventTypes(WebhookSubscription s) {
        return s.eventTypes().stream().sorted().map(WebhookEventType::wireName).toList();
    }
}
