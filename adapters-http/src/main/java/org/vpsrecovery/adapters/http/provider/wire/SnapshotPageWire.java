package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** {@code {"count": n, "results": [...]}}, perhaps with {@code next}/{@code previous} links. */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = true)
public record SnapshotPageWire(@Nullable Long count, @Nullable String next, @Nullable List<SnapshotWire> results) {
}
