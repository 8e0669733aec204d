package org.vpsrecovery.adapters.persistence.operation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code recovery_operation} (migrations V6, V8, V21: the approval's columns, null for an
 * operation that needed none; V25: the approval steps whose events are owed, {@code '<operation> <request id>'}; V63:
 * a released restore VPS.org was never asked to run; V65: the instant an approved operation ran, null for any other and
 * for one run before V65; V75: the pause's hold on an approved run, its wire name, and the row's version it was written
 * at, null on rows the release before V75 wrote or moved last; V77: the reason an approved run was refused when it came
 * to run, its name, and the row's version it was written at, null on rows the release before V77 wrote or moved last);
 * mapped to the domain in {@link OperationRows} only.
 */
@MappedEntity("recovery_operation")
public record OperationRow(@Id UUID id, String team, String requestId, String kind, long serverId,
                           @Nullable String resourceType, @Nullable Long resourceId,
                           @Nullable Long resourceServerId, String state,
                           Instant acceptedAt, Instant updatedAt, Instant deadline, @Nullable String note,
                           Instant nextCheckAt, int checks, int version,
                           @Nullable String approvalRequesterSubject, @Nullable String approvalRequesterAuthentication,
                           @Nullable String approvalRequesterKeyId, @Nullable Instant approvalRequestedAt,
                           @Nullable Instant approvalExpiresAt, @Nullable Boolean approvalSkipSafetySnapshot,
                           @Nullable String approvalVerdict, @Nullable String approvalDeciderSubject,
                           @Nullable String approvalDeciderAuthentication, @Nullable String approvalDeciderKeyId,
                           @Nullable Instant approvalDecidedAt, @Nullable String approvalReason,
                           @Nullable String[] approvalEventsOwed, boolean releasedBeforeVpsOrgWasAsked,
                           @Nullable Instant approvedRunAt, @Nullable String pauseHold,
                           @Nullable Integer pauseHoldVersion, @Nullable String refusedOnRunReason,
                           @Nullable Integer refusedOnRunVersion) {
}
