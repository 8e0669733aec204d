package org.vpsrecovery.adapters.persistence.drift;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** One row of {@code recovery_point_drift} (migration V16); mapped to the domain in {@link DriftRows} only. */
@MappedEntity("recovery_point_drift")
public record DriftRow(@Id @GeneratedValue @Nullable Long id, String team, long serverId, String resourceType, long resourceId,
                       String kind, Instant detectedAt, String seen, @Nullable Instant resolvedAt, @Nullable String resolution) {
}
