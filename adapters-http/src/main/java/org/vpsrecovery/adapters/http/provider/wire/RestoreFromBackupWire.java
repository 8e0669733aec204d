package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

/** Body of {@code POST /api/v1/servers/{server_id}/restore/}: {@code {"backup_id": 501}}. */
@Serdeable
public record RestoreFromBackupWire(@JsonProperty("backup_id") long backupId) {
}
