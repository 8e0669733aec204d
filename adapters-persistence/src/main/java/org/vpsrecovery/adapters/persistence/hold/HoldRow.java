package org.vpsrecovery.adapters.persistence.hold;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** One row of {@code recovery_point_hold} (migration V12); mapped to the domain in {@link HoldRows} only. */
@MappedEntity("recovery_point_hold")
public record HoldRow(@Id UUID id, String team, long serverId, String resourceType, long resourceId, String kind,
                      String reason, String placedBy, Instant placedAt, @Nullable String releasedBy,
                      @Nullable Instant releasedAt) {
}
