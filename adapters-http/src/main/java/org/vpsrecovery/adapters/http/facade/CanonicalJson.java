package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A JSON body in one spelling, for the Idempotency-Key fingerprint: parsed to plain maps and lists,
 * written compact with every object's keys sorted, so whitespace and key order do not matter while
 * any difference in names or values does. Numbers are kept exactly as written (no rounding through
 * a double), so {@code 1} and {@code 1.0} stay two bodies. A body that is not one JSON value (or has
 * a key twice) has no canonical form: its bytes are fingerprinted as they came.
 */
final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private CanonicalJson() {
    }

    /** The canonical bytes of {@code body}; empty when it is not one JSON value (the request is then refused anyway). */
    static Optional<byte[]> of(String body) {
        try {
            Object tree = MAPPER.readValue(body, Object.class);
            return Optional.of(MAPPER.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException notJson) {
            return Optional.empty();
        }
    }
}
