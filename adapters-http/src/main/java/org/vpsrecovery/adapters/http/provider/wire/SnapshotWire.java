package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** A snapshot as listed, or as created (then with {@code message}). */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = true)
public record SnapshotWire(@Nullable Long id, @Nullable ServerWire server, @Nullable String name,
                           @Nullable String status, @JsonProperty("size_mb") @Nullable Double sizeMb,
                           @JsonProperty("created_at") @Nullable String createdAt, @Nullable String description,
                           @Nullable String message) {
}
