package org.vpsrecovery.adapters.persistence.policy;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** One row of {@code recovery_policy} (migration V10); mapped to the domain in {@link PolicyRows} only. */
@MappedEntity("recovery_policy")
public record PolicyRow(@Id UUID id, String team, boolean allServers, String serverIds, String kind, String cron,
                        String timeZone, String nameTemplate, int keepLast, long keepWithinSeconds, int keepDaily,
                        int keepWeekly, int keepMonthly, int keepYearly, boolean includePersonMade, long version,
                        Instant createdAt, Instant updatedAt) {
}
