package org.vpsrecovery.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** An HTTP answer of the simulator: status, extra headers and a body (empty for none). */
record Answer(int status, String contentType, Map<String, String> headers, byte[] body) {

    static final ObjectMapper JSON = new ObjectMapper();

    Answer {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    static Answer json(int status, JsonNode body) {
        try {
            return new Answer(status, "application/json", Map.of(), JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Answer detail(int status, String detail) {
        return json(status, JSON.createObjectNode().put("detail", detail));
    }

    /** A DRF-style validation answer: {@code {"field": ["message"]}}. */
    static Answer fieldErrors(Map<String, String> errors) {
        ObjectNode body = JSON.createObjectNode();
        errors.forEach((field, message) -> body.putArray(field).add(message));
        return json(400, body);
    }

    static Answer noContent() {
        return new Answer(204, null, Map.of(), new byte[0]);
    }

    static Answer html(int status, String html) {
        return new Answer(status, "text/html; charset=utf-8", Map.of(), html.getBytes(StandardCharsets.UTF_8));
    }

    Answer withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Answer(status, contentType, more, body);
    }

    /** The same answer cut in half: what a proxy dropping the connection mid-body leaves. */
    Answer truncated() {
        byte[] half = body.length == 0 ? "{\"id\": ".getBytes(StandardCharsets.UTF_8)
                : java.util.Arrays.copyOf(body, Math.max(1, body.length / 2));
        int keptStatus = status == 204 ? 200 : status;
        return new Answer(keptStatus, "application/json", headers, half);
    }
}
