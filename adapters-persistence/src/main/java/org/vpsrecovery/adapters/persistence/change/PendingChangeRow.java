package org.vpsrecovery.adapters.persistence.change;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code pending_change} (migration V24; V33: the approval steps whose events are owed,
 * {@code '<operation> <request id>'}); mapped to the domain in {@link PendingChangeRows} only.
 */
@MappedEntity("pending_change")
public record PendingChangeRow(@Id UUID id, String team, String requestId, String kind, String state,
                               @Nullable UUID holdId, @Nullable String resourceType, @Nullable Long resourceId,
                               @Nullable Long serverId, @Nullable UUID policyId, @Nullable Long policyVersion,
                               @Nullable Boolean allServers, @Nullable String serverIds, @Nullable String policyKind,
                               @Nullable String cron, @Nullable String timeZone, @Nullable String nameTemplate,
                               @Nullable Integer keepLast, @Nullable Long keepWithinSeconds, @Nullable Integer keepDaily,
                               @Nullable Integer keepWeekly, @Nullable Integer keepMonthly, @Nullable Integer keepYearly,
                               @Nullable Boolean includePersonMade, Instant updatedAt, Instant nextCheckAt,
                               @Nullable String note, int version, String requesterSubject,
                               String requesterAuthentication, @Nullable String requesterKeyId, Instant requestedAt,
                               Instant expiresAt, @Nullable String verdict, @Nullable String deciderSubject,
                               @Nullable String deciderAuthentication, @Nullable String deciderKeyId,
                               @Nullable Instant decidedAt, @Nullable String decisionReason,
                               @Nullable String[] approvalEventsOwed) {
}
