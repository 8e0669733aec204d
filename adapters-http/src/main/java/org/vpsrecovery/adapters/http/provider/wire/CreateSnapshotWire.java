package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** Body of {@code POST /api/v1/snapshots/}; no {@code description} key when there is none. */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateSnapshotWire(@JsonProperty("server_id") long serverId, String name,
                                 @Nullable String description) {
}
