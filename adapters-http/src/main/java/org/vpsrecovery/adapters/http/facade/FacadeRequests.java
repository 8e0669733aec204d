package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.beans.BeanIntrospection;
import io.micronaut.core.beans.BeanProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * The request bodies the facade takes, as VPS.org defines them: bound by Micronaut, each field in
 * its own JSON type ({@link StrictJsonFields}), then checked with Bean Validation; the rules that
 * need more than a pattern are the domain values' own constructors. The OpenAPI document's schemas
 * are generated from these records.
 */
final class FacadeRequests {

    private FacadeRequests() {
    }

    /** One broken rule of a bound body, as the caller is told it, with the field's place in the body. */
    record FieldRefusal(int position, InvalidRequest refusal) {
    }

    /** A Bean Validation violation on one of these records, named by the field's JSON name. */
    @SuppressWarnings("unchecked")
    static FieldRefusal fieldRefusal(ConstraintViolation<?> violation) {
        String property = null;
        for (Path.Node node : violation.getPropertyPath()) {
            property = node.getName();
        }
        Object bean = violation.getLeafBean();
        if (bean == null || property == null) {
            return new FieldRefusal(Integer.MAX_VALUE,
                    new InvalidRequest(RequestReason.INVALID_JSON, null, "the request body is not valid"));
        }
        List<BeanProperty<Object, Object>> properties = List.copyOf(
                BeanIntrospection.getIntrospection((Class<Object>) bean.getClass()).getBeanProperties());
        for (int i = 0; i < properties.size(); i++) {
            BeanProperty<Object, Object> candidate = properties.get(i);
            if (candidate.getName().equals(property)) {
                String field = candidate.stringValue(JsonProperty.class).orElse(property);
                return new FieldRefusal(i, new InvalidRequest(RequestReason.INVALID_FIELD, field, violation.getMessage()));
            }
        }
        return new FieldRefusal(Integer.MAX_VALUE,
                new InvalidRequest(RequestReason.INVALID_FIELD, property, violation.getMessage()));
    }

    @Serdeable
    record CreateSnapshotRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "12345", format = "int64",
                    minimum = "1", maximum = OpenApiPatterns.ID_MAXIMUM)
            @JsonProperty("server_id") @Serdeable.Deserializable(using = StrictJsonFields.PositiveInteger.class)
            @NotNull(message = "server_id is required") Long serverId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "before-update-snapshot",
                    pattern = SnapshotName.PATTERN, minLength = 1, maxLength = SnapshotName.MAX_LENGTH)
            @Serdeable.Deserializable(using = StrictJsonFields.Text.class)
            @NotNull(message = "name is required") @Pattern(regexp = SnapshotName.PATTERN, message = SnapshotName.RULE) String name,
            @Schema(example = "Snapshot before system update", pattern = OpenApiPatterns.DESCRIPTION,
                    maxLength = Description.MAX_LENGTH)
            @Serdeable.Deserializable(using = StrictJsonFields.Text.class) @Nullable String description) {
    }

    @Serdeable
    record CreateBackupRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "12345", format = "int64",
                    minimum = "1", maximum = OpenApiPatterns.ID_MAXIMUM)
            @JsonProperty("server_id") @Serdeable.Deserializable(using = StrictJsonFields.PositiveInteger.class)
            @NotNull(message = "server_id is required") Long serverId,
            @Schema(example = "Pre-deployment backup", pattern = OpenApiPatterns.DESCRIPTION,
                    maxLength = Description.MAX_LENGTH)
            @Serdeable.Deserializable(using = StrictJsonFields.Text.class) @Nullable String description) {
    }

    @Serdeable
    record PlaceHoldRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "incident 4711: keep the state before the upgrade",
                    pattern = OpenApiPatterns.DESCRIPTION, minLength = 1, maxLength = HoldReason.MAX_LENGTH)
            @Serdeable.Deserializable(using = StrictJsonFields.Text.class)
            @NotNull(message = "reason is required") String reason) {
    }

    /** A second person's decision on an operation waiting for approval (ADR 0040). */
    @Serdeable
    record ApprovalDecisionRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "approve", allowableValues = {"approve", "deny"},
                    maxLength = 7)
            @Serdeable.Deserializable(using = StrictJsonFields.Text.class)
            @NotNull(message = "decision is required") String decision,
            @Schema(example = "checked with the on-call engineer: ticket OPS-4711", pattern = OpenApiPatterns.DESCRIPTION,
                    minLength = 1, maxLength = org.vpsrecovery.domain.approval.ApprovalDecision.MAX_REASON_LENGTH)
            @Serdeable.Deserializable(using = StrictJsonFields.Text.class)
            @io.micronaut.core.annotation.Nullable String reason) {
    }

    @Serdeable
    record RestoreFromBackupRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "501", format = "int64",
                    minimum = "1", maximum = OpenApiPatterns.ID_MAXIMUM)
            @JsonProperty("backup_id") @Serdeable.Deserializable(using = StrictJsonFields.PositiveInteger.class)
            @NotNull(message = "backup_id is required") Long backupId) {
    }

    @Serdeable
    record CreateWebhookRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "https://deploy.example.com/hooks/vpsr",
                    format = "uri", pattern = "^https?://[^@#\\s]+$", minLength = 8, maxLength = WebhookTarget.MAX_LENGTH)
            @Serdeable.Deserializable(using = StrictJsonFields.Text.class)
            @NotNull(message = "url is required") String url,
            @ArraySchema(arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED),
                    minItems = 1, maxItems = 13, uniqueItems = true, schema = @Schema(implementation = EventType.class))
            @JsonProperty("event_types") @Serdeable.Deserializable(using = StrictJsonFields.TextList.class)
            @NotNull(message = "event_types is required")
            @Size(min = 1, max = 13, message = "event_types must hold 1-13 event types") List<String> eventTypes) {
    }
}
