package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * {@code {"count": n, "results": [...]}}, perhaps with {@code next}/{@code previous} links; {@code next} as any JSON,
 * read in the client (a link not a string is none, session 53).
 */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupPageWire(@Nullable Long count, @Nullable JsonNode next, @Nullable List<BackupWire> results) {
}
