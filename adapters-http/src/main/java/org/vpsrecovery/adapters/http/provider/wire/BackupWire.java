package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** A backup as listed, or as created (then with {@code message}). */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupWire(@Nullable Long id, @Nullable ServerWire server,
                         @JsonProperty("backup_type") @Nullable String backupType, @Nullable String status,
                         @JsonProperty("size_mb") @Nullable Double sizeMb,
                         @JsonProperty("created_at") @Nullable String createdAt,
                         @JsonProperty("expires_at") @Nullable String expiresAt, @Nullable String description,
                         @Nullable String message) {
}
