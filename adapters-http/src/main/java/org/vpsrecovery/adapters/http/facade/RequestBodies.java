package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A bound request body as idempotency fingerprints see it: the record written back as JSON, so
 * whitespace, key order and fields this API ignores do not make two equal requests differ.
 */
@Singleton
public class RequestBodies {

    private final JsonMapper json;

    public RequestBodies(JsonMapper json) {
        this.json = json;
    }

    public String fingerprintText(@Nullable Object body) {
        if (body == null) {
            return "";
        }
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a bound request body back as JSON", e);
        }
    }
}
