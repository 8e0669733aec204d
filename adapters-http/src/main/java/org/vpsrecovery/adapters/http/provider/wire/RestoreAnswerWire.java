package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;

/**
 * {@code {"status": "success", "message": ..., "snapshot": {...}, "server": {"id", "name", "status"}}};
 * the restored snapshot or backup is not needed and is ignored. {@code success} and {@code error}, undocumented, are
 * read only to hear a no (session 53). Every field is any JSON, read in {@code VpsOrgWireMapper}: a {@code message} or a
 * server's name or status of a wrong type is none, never the outcome unknown (session 54).
 */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = true)
public record RestoreAnswerWire(@Nullable JsonNode status, @Nullable JsonNode message, @Nullable JsonNode server,
                                @Nullable JsonNode success, @Nullable JsonNode error) {
}
