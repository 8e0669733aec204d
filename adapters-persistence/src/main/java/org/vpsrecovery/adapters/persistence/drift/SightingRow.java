package org.vpsrecovery.adapters.persistence.drift;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** One row of {@code automatic_backup_sighting} (migration V16): an automatic backup the last scan of its server saw. */
@MappedEntity("automatic_backup_sighting")
public record SightingRow(@Id long backupId, long serverId, @Nullable Instant expiresAt) {
}
