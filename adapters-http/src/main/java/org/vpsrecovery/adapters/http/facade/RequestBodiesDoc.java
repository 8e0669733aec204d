package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.snapshot.SnapshotName;

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
}
