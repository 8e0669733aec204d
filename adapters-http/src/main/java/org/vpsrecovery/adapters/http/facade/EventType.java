package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The OpenAPI document's {@code EventType}: a webhook's event type, a named component schema that {@code event_types}
 * refers to. Documentation only (the request reads strings, {@code WebhookEventType} parses them; a test holds the two
 * equal): an enum inline in an array's items made openapi-generator's Java {@code native} client fail to compile
 * (session 52), and micronaut-openapi inlines a class that is a string, so this is an enum.
 */
@Schema(name = "EventType", description = "a webhook event type")
enum EventType {
    @JsonProperty("operation.submitted") OPERATION_SUBMITTED,
    @JsonProperty("operation.completed") OPERATION_COMPLETED,
    @JsonProperty("operation.failed") OPERATION_FAILED,
    @JsonProperty("operation.unresolved") OPERATION_UNRESOLVED,
    @JsonProperty("operation.unverifiable") OPERATION_UNVERIFIABLE,
    @JsonProperty("operation.deadline_passed") OPERATION_DEADLINE_PASSED,
    @JsonProperty("request.rejected") REQUEST_REJECTED,
    @JsonProperty("drift.detected") DRIFT_DETECTED,
    @JsonProperty("drift.resolved") DRIFT_RESOLVED,
    @JsonProperty("approval.requested") APPROVAL_REQUESTED,
    @JsonProperty("approval.approved") APPROVAL_APPROVED,
    @JsonProperty("approval.denied") APPROVAL_DENIED,
    @JsonProperty("approval.expired") APPROVAL_EXPIRED
}
