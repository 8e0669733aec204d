package org.vpsrecovery.adapters.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;

/**
 * A flat map of strings as JSON object text, for the jsonb detail column. Keys are sorted so the
 * text is the same for the same map (the chain hash never reads it: it hashes its own encoding).
 */
final class JsonObjectText {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonObjectText() {
    }

    static String of(Map<String, String> values) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(values));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always has a JSON form", e);
        }
    }
}
