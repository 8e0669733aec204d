package org.vpsrecovery.adapters.http.facade;

import io.micronaut.json.tree.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import java.util.function.Function;

/** Reads one field of a request body into a domain value, or refuses with the field's name. */
final class JsonFields {

    private JsonFields() {
    }

    static JsonNode requireObject(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequest(RequestReason.INVALID_JSON, null, "the body must be a JSON object");
        }
        return body;
    }

    static long requirePositiveInteger(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidRequest(RequestReason.INVALID_FIELD, field, field + " is required");
        }
        if (!node.isNumber()) {
            throw new InvalidRequest(RequestReason.INVALID_FIELD, field, field + " must be a positive integer");
        }
        return positiveInteger(node.getNumberValue(), field);
    }

    static <T> T requireText(JsonNode body, String field, Function<String, T> parse) {
        return optionalText(body, field, parse)
                .orElseThrow(() -> new InvalidRequest(RequestReason.INVALID_FIELD, field, field + " is required"));
    }

    static <T> Optional<T> optionalText(JsonNode body, String field, Function<String, T> parse) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isString()) {
            throw new InvalidRequest(RequestReason.INVALID_FIELD, field, field + " must be a string");
        }
        try {
            return Optional.of(parse.apply(node.getStringValue()));
        } catch (IllegalArgumentException invalid) {
            throw new InvalidRequest(RequestReason.INVALID_FIELD, field, invalid.getMessage());
        }
    }

    /** A path or query id: digits only, positive, fits a long. */
    static long parseId(String raw, String name, RequestReason reason) {
        if (raw == null || !raw.matches("[0-9]{1,19}")) {
            throw new InvalidRequest(reason, name, name + " must be a positive integer");
        }
        try {
            long value = Long.parseLong(raw);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException tooLarge) {
            // falls through to the refusal below
        }
        throw new InvalidRequest(reason, name, name + " must be a positive integer");
    }

    private static long positiveInteger(Number number, String field) {
        // 1e400 reads as an infinite double, which BigDecimal refuses with an exception of its own.
        if ((number instanceof Double || number instanceof Float) && !Double.isFinite(number.doubleValue())) {
            throw new InvalidRequest(RequestReason.INVALID_FIELD, field, field + " must be a positive integer");
        }
        BigDecimal decimal = number instanceof BigDecimal d ? d
                : number instanceof BigInteger i ? new BigDecimal(i)
                : number instanceof Double || number instanceof Float ? BigDecimal.valueOf(number.doubleValue())
                : BigDecimal.valueOf(number.longValue());
        try {
            long value = decimal.stripTrailingZeros().longValueExact();
            if (value > 0 && decimal.stripTrailingZeros().scale() <= 0) {
                return value;
            }
        } catch (ArithmeticException notAnInteger) {
            // falls through to the refusal below
        }
        throw new InvalidRequest(RequestReason.INVALID_FIELD, field, field + " must be a positive integer");
    }
}
