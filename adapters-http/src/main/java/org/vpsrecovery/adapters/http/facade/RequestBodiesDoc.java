package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * The request bodies as the OpenAPI document shows them. The controllers read the body as text and
 * check each field themselves (so that every input error is worded by us); these shapes only say
 * what VPS.org accepts.
 */
final class RequestBodiesDoc {

    private RequestBodiesDoc() {
    }

    record CreateSnapshotRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "12345", format = "int64",
                    minimum = "1", maximum = OpenApiPatterns.ID_MAXIMUM)
            @JsonProperty("server_id") long serverId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "before-update-snapshot",
                    pattern = OpenApiPatterns.SNAPSHOT_NAME, minLength = 1, maxLength = SnapshotName.MAX_LENGTH) String name,
            @Schema(example = "Snapshot before system update", pattern = OpenApiPatterns.DESCRIPTION,
                    maxLength = Description.MAX_LENGTH) String description) {
    }

    record CreateBackupRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "12345", format = "int64",
                    minimum = "1", maximum = OpenApiPatterns.ID_MAXIMUM)
            @JsonProperty("server_id") long serverId,
            @Schema(example = "Pre-deployment backup", pattern = OpenApiPatterns.DESCRIPTION,
                    maxLength = Description.MAX_LENGTH) String description) {
    }

    record RestoreFromBackupRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "501", format = "int64",
                    minimum = "1", maximum = OpenApiPatterns.ID_MAXIMUM)
            @JsonProperty("backup_id") long backupId) {
    }

    record CreateWebhookRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "https://deploy.example.com/hooks/vpsr",
                    format = "uri", pattern = "^https?://[^@#\\s]+$", minLength = 8, maxLength = WebhookTarget.MAX_LENGTH)
            String url,
            @ArraySchema(arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED),
                    minItems = 1, maxItems = 7, uniqueItems = true, schema = @Schema(type = "string",
                    allowableValues = {"operation.submitted", "operation.completed", "operation.failed",
                            "operation.unresolved", "operation.unverifiable", "operation.deadline_passed",
                            "request.rejected"}, maxLength = 30))
            @JsonProperty("event_types") List<String> eventTypes) {
    }
}
