package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The facade's wire shapes: exactly VPS.org's JSON (see docs/vpsorg-api.md). Serde leaves out
 * empty and null values by default; VPS.org's shapes keep them ({@code "size_mb": null}, empty lists).
 */
public final class FacadeJson {

    private FacadeJson() {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ServerJson(long id, String name) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ServerWithStatusJson(long id, String name, String status) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SnapshotJson(
            long id,
            ServerJson server,
            String name,
            String status,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("size_mb")
            @Schema(nullable = true, description = "null while VPS.org is still making it") Long sizeMb,
            @JsonProperty("created_at") String createdAt,
            String description,
            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String message) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record BackupJson(
            long id,
            ServerJson server,
            @JsonProperty("backup_type") String backupType,
            String status,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("size_mb")
            @Schema(nullable = true, description = "null while VPS.org is still making it") Long sizeMb,
            @JsonProperty("created_at") String createdAt,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("expires_at")
            @Schema(nullable = true, description = "null on a manual backup") String expiresAt,
            String description,
            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String message) {
    }

    /**
     * VPS.org's list of snapshots, {@code {"count": n, "results": [...]}} (docs/vpsorg-api.md). Concrete, not a generic
     * page: micronaut-openapi published {@code PageJson<T>}'s items as untyped objects (session 52).
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SnapshotPageJson(int count, List<SnapshotJson> results) {
    }

    /** VPS.org's list of backups, as {@link SnapshotPageJson}. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record BackupPageJson(int count, List<BackupJson> results) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RestoredSnapshotJson(long id, String name, @JsonProperty("created_at") String createdAt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RestoredBackupJson(long id, @JsonProperty("backup_type") String backupType,
                                     @JsonProperty("created_at") String createdAt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SnapshotRestoreJson(String status, String message, RestoredSnapshotJson snapshot,
                                      ServerWithStatusJson server) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record BackupRestoreJson(String status, String message, RestoredBackupJson backup,
                                    ServerWithStatusJson server) {
    }
}
