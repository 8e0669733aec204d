package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * The audit reports' wire shapes (the platform's own API, not VPS.org's). Times are ISO-8601 UTC;
 * enum values are their stable names (as in {@code reason_code}); absent values are {@code null}.
 */
public final class AuditJson {

    private AuditJson() {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ResourceJson(String type, long id) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record EventJson(
            long sequence,
            @JsonProperty("occurred_at") String occurredAt,
            String team,
            @JsonProperty("request_id") String requestId,
            String operation,
            // Sent as null when the event has none (an audit read names no server, a success no reason): not left out.
            @JsonProperty("server_id") @Nullable Long serverId,
            @Nullable ResourceJson resource,
            String outcome,
            @JsonProperty("reason_code") @Nullable String reasonCode,
            @Nullable String cause,
            @JsonProperty("provider_status") @Nullable Integer providerStatus,
            Map<String, String> detail,
            @Nullable ActorJson actor,
            @JsonProperty("written_by_a_later_release") @JsonInclude(JsonInclude.Include.NON_NULL)
            @Nullable String writtenByALaterRelease) {

        /** An event this release knows. */
        public EventJson(long sequence, String occurredAt, String team, String requestId, String operation,
                         Long serverId, ResourceJson resource, String outcome, String reasonCode, String cause,
                         Integer providerStatus, Map<String, String> detail, ActorJson actor) {
            this(sequence, occurredAt, team, requestId, operation, serverId, resource, outcome, reasonCode, cause,
                    providerStatus, detail, actor, null);
        }
    }

    /** Who acted (ADR 0034): null on events written before actors were recorded. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ActorJson(String subject, String authentication, @JsonProperty("key_id") @Nullable String keyId) {
    }

    /** {@code next}: pass it back as {@code cursor} for the following page; null on the last page. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record EventPageJson(int count, @Nullable String next, List<EventJson> results) {
    }

    /**
     * Intact: {@code events_checked} (walked) and {@code head_hash}, and {@code walked_after} when the walk
     * started after a checkpoint; broken: {@code first_broken_sequence},
     * {@code fault} and {@code explanation}. Either way, how many signed checkpoints the chain was
     * compared with, and (intact) the latest one it holds, and {@code chain_cut} when the checkpoints say the chain was
     * cut because the platform's database went back (ADR 0022, amended in session 51), intact or broken (session 52).
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChainVerificationJson(
            boolean intact,
            @JsonProperty("events_checked") @Nullable Long eventsChecked,
            @JsonProperty("head_hash") @Nullable String headHash,
            @JsonProperty("first_broken_sequence") @Nullable Long firstBrokenSequence,
            @Nullable String fault,
            @Nullable String explanation,
            @JsonProperty("checkpoints_checked") long checkpointsChecked,
            @JsonProperty("latest_checkpoint") @Nullable CheckpointJson latestCheckpoint,
            @JsonProperty("walked_after") @Nullable Long walkedAfter,
            @JsonProperty("chain_cut") @Nullable ChainCutJson chainCut) {
    }

    /**
     * The chain was cut when the platform's database went back: the checkpoint file set aside then ended at
     * {@code set_aside_sequence} (its last checkpoint's hash, digest and time), the restored chain still held its
     * checkpoints through {@code held_through_sequence} (0: none), so the events {@code lost_from_sequence} to
     * {@code set_aside_sequence} it witnessed are gone or now other events, and any after them were lost unwitnessed;
     * the checkpoints signed since start at {@code first_checkpoint_sequence}, signed at {@code cut_recorded_at}.
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ChainCutJson(
            @JsonProperty("set_aside_sequence") long setAsideSequence,
            @JsonProperty("set_aside_hash") String setAsideHash,
            @JsonProperty("set_aside_digest") String setAsideDigest,
            @JsonProperty("set_aside_taken_at") String setAsideTakenAt,
            @JsonProperty("held_through_sequence") long heldThroughSequence,
            @JsonProperty("held_through_taken_at") @Nullable String heldThroughTakenAt,
            @JsonProperty("lost_from_sequence") long lostFromSequence,
            @JsonProperty("first_checkpoint_sequence") long firstCheckpointSequence,
            @JsonProperty("cut_recorded_at") String cutRecordedAt,
            String explanation) {
    }

    /** A signed checkpoint of the chain, kept outside the database. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record CheckpointJson(
            long sequence,
            String hash,
            @JsonProperty("taken_at") String takenAt,
            @JsonProperty("key_id") String keyId) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SummaryCountJson(
            @JsonProperty("bucket_start") String bucketStart,
            @Schema(nullable = true, description = "the team; null in a summary of every team summed over the teams "
                    + "(per_team false, the default without team)") String team,
            String operation,
            String outcome,
            long events) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ReasonCountJson(@JsonProperty("reason_code") String reasonCode, long events) {
    }

    /** Calls that reached the provider ({@code COMPLETED} or {@code FAILED} events) and those that failed. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ProviderCallsJson(long total, long failed, @JsonProperty("failure_rate") double failureRate) {
    }

    /** The summary's shape, as {@link AuditSummaryJson} writes it (a stream): the OpenAPI document's schema. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SummaryJson(
            String from,
            String to,
            String bucket,
            @Schema(nullable = true, description = "the team asked; null for every team") String team,
            @JsonProperty("per_team") @Schema(description = "whether the counts are each team's (true) or summed over "
                    + "every team, one count per bucket, operation and outcome (false)") boolean perTeam,
            List<SummaryCountJson> counts,
            @JsonProperty("top_rejection_reasons") List<ReasonCountJson> topRejectionReasons,
            @JsonProperty("provider_calls") ProviderCallsJson providerCalls,
            @JsonProperty("written_by_a_later_release") @Schema(description = "events of an operation or outcome this "
                    + "release does not know (a later release wrote them, their hashes holding), counted apart under "
                    + "their names as stored; not among counts (ADR 0005, amended in session 49)")
            List<SummaryCountJson> writtenByALaterRelease) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RecoveryPointJson(
            long id,
            @Nullable String name,
            @JsonProperty("backup_type") @Nullable String backupType,
            @JsonProperty("created_at") @JsonInclude(JsonInclude.Include.ALWAYS) String createdAt,
            @JsonProperty("age_seconds") long ageSeconds,
            @JsonProperty("expires_at") @Nullable String expiresAt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ExpiringBackupJson(
            long id,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("expires_at") String expiresAt,
            @JsonProperty("expires_in_seconds") long expiresInSeconds) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ServerRecoverabilityJson(
            @JsonProperty("server_id") long serverId,
            String team,
            @JsonProperty("newest_snapshot") @Nullable RecoveryPointJson newestSnapshot,
            @JsonProperty("newest_backup") @Nullable RecoveryPointJson newestBackup,
            @JsonProperty("expiring_backups") List<ExpiringBackupJson> expiringBackups,
            @JsonProperty("has_recovery_point") boolean hasRecoveryPoint,
            @JsonProperty("last_completed_create") @Nullable String lastCompletedCreate,
            @JsonProperty("last_completed_restore") @Nullable @Schema(nullable = true, description = "when the last "
                    + "restore recorded COMPLETED ended: only releases before session 49 recorded one (the restore "
                    + "window's end; before V6, VPS.org taking it). No restore is recorded COMPLETED now, neither at its "
                    + "window's end nor at an early release (both UNVERIFIABLE), so this may be far older than the last "
                    + "restore run: see last_restore_requested") String lastCompletedRestore,
            @JsonProperty("last_restore_requested") @Nullable @Schema(nullable = true, description = "the newest restore "
                    + "asked of VPS.org on the server (by the team asked, when one is), and how the audit history says it "
                    + "ended; null when none was") LastRestoreRequestedJson lastRestoreRequested) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LastRestoreRequestedJson(
            @JsonProperty("requested_at") @Schema(description = "when the platform asked VPS.org (its intent, ACCEPTED)")
            String requestedAt,
            @Schema(allowableValues = {"open", "unverifiable", "released", "failed", "completed"}, description = "its "
                    + "attempt's first final outcome: open (none yet), unverifiable (UNVERIFIABLE: not known how, or "
                    + "whether, it ended: its window ended, VPS.org showing no restore's end, or its answer was lost), released (UNVERIFIABLE RESTORE_HOLD_RELEASED: the team released "
                    + "its hold early), failed (FAILED: refused or failed), completed (COMPLETED, written by releases "
                    + "before session 49)") String ending) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RecoverabilityJson(
            @JsonProperty("generated_at") String generatedAt,
            @JsonProperty("expiring_within_days") long expiringWithinDays,
            List<ServerRecoverabilityJson> servers,
            @JsonProperty("servers_without_recovery_point") List<Long> serversWithoutRecoveryPoint) {
    }
}
