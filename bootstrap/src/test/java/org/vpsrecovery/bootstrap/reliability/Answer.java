package org.vpsrecovery.bootstrap.reliability;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** One answer of the platform as a caller saw it: status, body, the headers that matter, and how long it took. */
record Answer(String requestId, String target, int status, String body, Optional<String> contentType,
              Optional<String> retryAfter, Duration elapsed) {

    private static final JsonMapper JSON = JsonMapper.createDefault();

    static Answer of(String requestId, String target, HttpResponse<String> response, Duration elapsed) {
        return new Answer(requestId, target, response.statusCode(), response.body(),
                response.headers().firstValue("Content-Type"), response.headers().firstValue("Retry-After"), elapsed);
    }

    boolean isSuccess() {
        return status / 100 == 2;
    }

    boolean isProblem() {
        return contentType.filter(type -> type.startsWith("application/problem+json")).isPresent();
    }

    /** The problem's {@code reason_code}; empty for a success or a body that is no problem. */
    Optional<String> reasonCode() {
        if (!isProblem()) {
            return Optional.empty();
        }
        return Optional.ofNullable(json().get("reason_code")).map(Object::toString);
    }

    /** {@code id} of a created resource. */
    long id() {
        return ((Number) json().get("id")).longValue();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> json() {
        try {
            return JSON.readValue(body, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    /** The status and reason code, e.g. {@code 409 SERVER_BUSY} or {@code 201}. */
    String kind() {
        return reasonCode().map(reason -> status + " " + reason).orElse(Integer.toString(status));
    }

    @Override
    public String toString() {
        return target + " [" + requestId + "] -> " + status + " in " + elapsed.toMillis() + " ms: " + body;
    }
}
