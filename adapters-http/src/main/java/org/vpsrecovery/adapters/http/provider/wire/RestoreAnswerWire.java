package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * {@code {"status": "success", "message": ..., "snapshot": {...}, "server": {"id", "name", "status"}}};
 * the restored snapshot or backup is not needed and is ignored.
 */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = true)
public record RestoreAnswerWire(@Nullable String status, @Nullable String message, @Nullable ServerWire server) {
}
