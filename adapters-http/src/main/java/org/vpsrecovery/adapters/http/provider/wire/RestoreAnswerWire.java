package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;

/**
 * {@code {"status": "success", "message": ..., "snapshot": {...}, "server": {"id", "name", "status"}}};
 * the restored snapshot or backup is not needed and is ignored. {@code success} and {@code error}, undocumented, are
 * read only to hear a no (session 53).
 */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = true)
public record RestoreAnswerWire(@Nullable JsonNode status, @Nullable String message, @Nullable ServerWire server,
                                @Nullable JsonNode success, @Nullable JsonNode error) {
}
