package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.WebhookIdParameter;
import org.vpsrecovery.adapters.http.facade.WebhookJson.CreatedWebhookJson;
import org.vpsrecovery.adapters.http.facade.WebhookJson.DeliveryPageJson;
import org.vpsrecovery.adapters.http.facade.WebhookJson.WebhookPageJson;
import org.vpsrecovery.adapters.http.facade.WebhookJson.WebhookWithBacklogJson;
import org.vpsrecovery.application.webhook.ManageWebhooksUseCase;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.webhook.DeliveryState;
import org.vpsrecovery.domain.webhook.WebhookEventType;
import org.vpsrecovery.domain.webhook.WebhookSubscriptionId;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * A team's webhooks (an extension VPS.org lacks): the audit events of chosen types, POSTed to the
 * team's URL and signed as the Standard Webhooks specification describes. Another team's
 * subscription is not found. ADR 0025.
 */
@Controller("/api/v1/webhooks")
@Tag(name = "webhooks", description = "An extension VPS.org lacks: operation events sent, signed, to the team's URL")
@ProblemResponses.Common
@ExecuteOn(TaskExecutors.BLOCKING)
public class WebhooksController {

    private static final String NOT_FOUND = "No such webhook for this team (WEBHOOK_NOT_FOUND)";
    private static final Set<String> DELIVERY_PARAMETERS = Set.of("state", "limit", "cursor");

    private final ManageWebhooksUseCase webhooks;
    public WebhooksController(ManageWebhooksUseCase webhooks) {
        this.webhooks = webhooks;
    }

    @Post(value = "/", consumes = MediaType.APPLICATION_JSON)
    @ProblemResponses.OwnCommit
    @Operation(summary = "Subscribe a URL to events",
            description = "The answer carries the signing secret (`whsec_...`) once; it is never shown again. The URL "
                    + "must be http or https without credentials, and its host must not resolve to a loopback, private, "
                    + "link-local or other special-use address (WEBHOOK_TARGET_REFUSED) unless the platform allows it. "
                    + "At most 20 per team (WEBHOOK_LIMIT_REACHED). When the host could not be looked up in time because "
                    + "the lookups of other new subscriptions held every thread, or the team's own earlier one still ran "
                    + "(a team's run one at a time): 503 WEBHOOK_TARGET_CHECKS_BUSY with Retry-After, nothing stored. "
                    + "Delivery is at least once, in no guaranteed order: drop repeats by `webhook-id`, order by "
                    + "`data.audit_sequence`.")
    @ApiResponse(responseCode = "201", description = "subscribed; the secret is in this answer only",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CreatedWebhookJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "413", description = "The body is larger than 16 KiB (BODY_TOO_LARGE)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "415", description = "The body is not application/json in UTF-8 (UNSUPPORTED_MEDIA_TYPE)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "503", description = "The host's lookup waited behind other new subscriptions' lookups, "
            + "or the team's own earlier one, and never began (WEBHOOK_TARGET_CHECKS_BUSY): nothing was stored; retry "
            + "after Retry-After seconds; or " + ProblemResponses.ANY_UNAVAILABLE,
            headers = {@Header(name = "Retry-After", description = "seconds to wait before trying again",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "86400")),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))},
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)))
    public HttpResponse<CreatedWebhookJson> createWebhook(HttpRequest<?> request,
            @Valid @Body FacadeRequests.CreateWebhookRequest body) {
        WebhookTarget target = RequestFields.domainValue("url", body.url(), WebhookTarget::parse);
        var created = webhooks.create(team(request), target, eventTypes(body.eventTypes()));
        return HttpResponse.created(WebhookJson.created(created.subscription(), created.secret()));
    }

    @Get("/")
    @Operation(summary = "The team's webhooks", description = "Oldest first; without their secrets. "
            + "It takes no query parameter: any is 400 UNKNOWN_QUERY_PARAMETER.")
    @ApiResponse(responseCode = "200", description = "the team's subscriptions",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookPageJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public WebhookPageJson listWebhooks(HttpRequest<?> request) {
        StrictQueryParameters.check(request, Set.of());
        return WebhookJson.page(webhooks.list(team(request)));
    }

    @Get("/{webhook_id}/")
    @Operation(summary = "One webhook",
            description = "Without its secret; with its deliveries not yet handed to the platform's scheduler: how many "
                    + "(counted up to " + WebhookDeliveries.MAX_BACKLOG_COUNTED + ", which then means at least that many) "
                    + "and the oldest one's age in seconds (null when none waits)."
                    + " It takes no query parameter: any is 400 UNKNOWN_QUERY_PARAMETER.")
    @ApiResponse(responseCode = "200", description = "the subscription and its undispatched backlog",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = WebhookWithBacklogJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public WebhookWithBacklogJson getWebhook(HttpRequest<?> request,
                                             @WebhookIdParameter @PathVariable("webhook_id") String webhookId) {
        WebhookSubscriptionId id = id(webhookId);
        StrictQueryParameters.check(request, Set.of());
        return WebhookJson.withBacklog(webhooks.getWithBacklog(team(request), id));
    }

    @Delete("/{webhook_id}/")
    @Operation(summary = "Delete a webhook", description = "Nothing more is sent to it; its delivery log goes with it.")
    @ProblemResponses.OwnCommit
    @ApiResponse(responseCode = "204", description = "deleted",
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public HttpResponse<Void> deleteWebhook(HttpRequest<?> request,
                                            @WebhookIdParameter @PathVariable("webhook_id") String webhookId) {
        webhooks.delete(team(request), id(webhookId));
        return HttpResponse.noContent();
    }

    @Get("/{webhook_id}/deliveries/")
    @Operation(summary = "A webhook's delivery log",
            description = "Newest event first: each delivery's state (pending, delivered, dead), attempts, the last "
                    + "attempt's time and the receiver's status code or the error. Pages of `limit`; pass `next` back as "
                    + "`cursor` for the following page (null on the last). `state` keeps one state's deliveries. An "
                    + "unknown or repeated parameter, an unknown state (INVALID_QUERY_PARAMETER) or a cursor that is no "
                    + "page's `next` (INVALID_CURSOR) is a 400.",
            parameters = {
                    @Parameter(name = "state", in = ParameterIn.QUERY, description = "only deliveries in this state",
                            schema = @Schema(type = "string", allowableValues = {"pending", "delivered", "dead"})),
                    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "page size, 1-500 (100)",
                            schema = @Schema(type = "string", pattern = "^[0-9]{1,3}$", maxLength = 3)),
                    @Parameter(name = "cursor", in = ParameterIn.QUERY, description = "the previous page's `next`",
                            schema = @Schema(type = "string", pattern = OpenApiPatterns.CURSOR, maxLength = 64))})
    @ApiResponse(responseCode = "200", description = "a page of deliveries",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeliveryPageJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public DeliveryPageJson listDeliveries(HttpRequest<?> request,
            @WebhookIdParameter @PathVariable("webhook_id") String webhookId) {
        // Checked strictly, as the audit events' and drift's pages are: a typo in a filter must not widen the list.
        AuditReportParameters parameters = AuditReportParameters.of(request, DELIVERY_PARAMETERS);
        int size = PageParameters.size(parameters.text("limit").orElse(null), WebhookDeliveries.MAX_PAGE, 100);
        Optional<DeliveryState> state = parameters.text("state").map(WebhooksController::deliveryState);
        OptionalLong before = parameters.cursor();
        return WebhookJson.deliveries(webhooks.deliveries(team(request), id(webhookId), state, before, size));
    }

    private static DeliveryState deliveryState(String wire) {
        for (DeliveryState state : DeliveryState.values()) {
            if (state.wireName().equals(wire)) {
                return state;
            }
        }
        throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, "state",
                "state must be one of pending, delivered, dead");
    }

    private static TeamId team(HttpRequest<?> request) {
        return RequestAttributes.callContext(request).team();
    }

    private static WebhookSubscriptionId id(String raw) {
        try {
            return WebhookSubscriptionId.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(RequestReason.INVALID_ID, "webhook_id", "webhook_id must be a UUID");
        }
    }

    private static Set<WebhookEventType> eventTypes(List<String> wireNames) {
        Set<WebhookEventType> types = EnumSet.noneOf(WebhookEventType.class);
        for (String wireName : wireNames) {
            types.add(RequestFields.domainValue("event_types", wireName, WebhookEventType::fromWire));
        }
        return types;
    }
}
