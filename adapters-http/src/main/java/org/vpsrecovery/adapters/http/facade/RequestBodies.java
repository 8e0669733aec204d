package org.vpsrecovery.adapters.http.facade;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;

/** Parses a request body that the controller also needs as text (for idempotency fingerprints). */
@Singleton
public class RequestBodies {

    private final JsonMapper json;

    public RequestBodies(JsonMapper json) {
        this.json = json;
    }

    public JsonNode object(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidRequest(RequestReason.INVALID_JSON, null, "a JSON object body is required");
        }
        try {
            return JsonFields.requireObject(json.readValue(body, JsonNode.class));
        } catch (IOException | RuntimeException unreadable) {
            if (unreadable instanceof InvalidRequest invalid) {
                throw invalid;
            }
            throw new InvalidRequest(RequestReason.INVALID_JSON, null, "the body is not valid JSON");
        }
    }
}
