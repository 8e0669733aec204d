package org.vpsrecovery.adapters.http.provider.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** {@code {"id": 12345, "name": "web-server-01"}}; restore answers add {@code status}. */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = true)
public record ServerWire(@Nullable Long id, @Nullable String name, @Nullable String status) {
}
