package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A snapshot as listed, or as created (then with {@code message}). Only {@code id}, {@code server.id} and
 * {@code created_at} are required; every other field is taken as any JSON and read in the mapper, so one of a wrong
 * type is none, not an unreadable answer (docs/vpsorg-api.md, session 53).
 */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = true)
public record SnapshotWire(@Nullable Long id, @Nullable JsonNode server, @Nullable JsonNode name,
                           @Nullable JsonNode status, @JsonProperty("size_mb") @Nullable JsonNode sizeMb,
                           @JsonProperty("created_at") @Nullable JsonNode createdAt, @Nullable JsonNode description,
                           @Nullable JsonNode message) {
}
