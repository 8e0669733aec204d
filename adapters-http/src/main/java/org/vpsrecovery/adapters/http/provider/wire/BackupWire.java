package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;

/** A backup as listed, or as created (then with {@code message}); read as {@link SnapshotWire} is (session 53). */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupWire(@Nullable Long id, @Nullable JsonNode server,
                         @JsonProperty("backup_type") @Nullable JsonNode backupType, @Nullable JsonNode status,
                         @JsonProperty("size_mb") @Nullable JsonNode sizeMb,
                         @JsonProperty("created_at") @Nullable JsonNode createdAt,
                         @JsonProperty("expires_at") @Nullable JsonNode expiresAt, @Nullable JsonNode description,
                         @Nullable JsonNode message) {
}
