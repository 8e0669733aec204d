package org.vpsrecovery.adapters.persistence.operation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** One row of {@code recovery_operation} (migration V6); mapped to the domain in {@link OperationRows} only. */
@MappedEntity("recovery_operation")
public record OperationRow(@Id UUID id, String team, String requestId, String kind, long serverId,
                           @Nullable String resourceType, @Nullable Long resourceId, String state,
                           Instant acceptedAt, Instant updatedAt, Instant deadline, @Nullable String note,
                           Instant nextCheckAt, int checks, int version) {
}
