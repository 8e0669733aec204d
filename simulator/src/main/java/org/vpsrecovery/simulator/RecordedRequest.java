package org.vpsrecovery.simulator;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A request as the simulator received it; header names are lower case. */
public record RecordedRequest(Instant receivedAt, String method, String path, String query,
                              Map<String, List<String>> headers, String body) {

    public RecordedRequest {
        Objects.requireNonNull(receivedAt, "received at");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query (may be empty)");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body (may be empty)");
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Path and query as sent, e.g. {@code /api/v1/backups/?server_id=12345}. */
    public String target() {
        return query.isEmpty() ? path : path + "?" + query;
    }
}
