package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The request bodies as the OpenAPI document shows them. The controllers read the body as text and
 * check each field themselves (so that every input error is worded by us); these shapes only say
 * what VPS.org accepts.
 */
final class RequestBodiesDoc {

    private RequestBodiesDoc() {
    }

    record CreateSnapshotRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "12345", minimum = "1")
            @JsonProperty("server_id") long serverId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "before-update-snapshot",
                    pattern = "^[A-Za-z0-9_-]{1,64}$") String name,
            @Schema(example = "Snapshot before system update", maxLength = 255) String description) {
    }

    record CreateBackupRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "12345", minimum = "1")
            @JsonProperty("server_id") long serverId,
            @Schema(example = "Pre-deployment backup", maxLength = 255) String description) {
    }

    record RestoreFromBackupRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "501", minimum = "1")
            @JsonProperty("backup_id") long backupId) {
    }
}
