package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** Body of {@code POST /api/v1/backups/}; no {@code description} key when there is none. */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateBackupWire(@JsonProperty("server_id") long serverId, @Nullable String description) {
}
