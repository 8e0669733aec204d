package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.type.Argument;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.Decoder;
import io.micronaut.serde.Deserializer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/**
 * Deserializers for request-body fields that take a value only in its own JSON type. Left to
 * itself, serde coerces ({@code "12345"} and {@code true} become numbers, {@code 1.5} becomes 1,
 * {@code 7} becomes a string); a wire-compatible API must refuse what VPS.org documents as wrong.
 * A refusal names the field by its JSON name. Serde finds {@code using} deserializers as beans, and
 * takes every {@code Deserializer<T>} bean as the one for all fields of type {@code T}: so these are
 * declared for {@code Number}, {@code CharSequence} and {@code Iterable}, types no body or VPS.org answer has, and
 * never become the deserializer of every {@code Long} and {@code String} (VPS.org's answers included).
 */
final class StrictJsonFields {

    /** An id sent as a JSON string: digits only (no sign, space or fraction). */
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

    private StrictJsonFields() {
    }

    /**
     * A JSON integer that fits a positive long; {@code 1.0} is 1, {@code 1.5} is refused. A string of digits is taken as
     * its number, as VPS.org takes it (DRF's IntegerField; the simulator does the same): a client that sends
     * {@code "server_id": "12345"} there works here too. Any other string, a boolean or an array is refused.
     */
    @Singleton
    static final class PositiveInteger implements Deserializer<Number> {
        @Override
        public Long deserialize(Decoder decoder, DecoderContext context, Argument<? super Number> type) throws IOException {
            JsonNode node = read(decoder, type, n -> n.isNumber() || (n.isString() && DIGITS.matcher(n.getStringValue()).matches()),
                    "a positive integer");
            return positiveInteger(node.isNumber() ? node.getNumberValue() : new BigInteger(node.getStringValue()),
                    jsonName(type));
        }
    }

    /** A JSON string; numbers, booleans, arrays and objects are refused. */
    @Singleton
    static final class Text implements Deserializer<CharSequence> {
        @Override
        public String deserialize(Decoder decoder, DecoderContext context, Argument<? super CharSequence> type) throws IOException {
            return read(decoder, type, JsonNode::isString, "a string").getStringValue();
        }
    }

    /** A JSON array of strings (its size is the record's rule); declared for {@code Iterable}, see above. */
    @Singleton
    static final class TextList implements Deserializer<Iterable<String>> {
        @Override
        public List<String> deserialize(Decoder decoder, DecoderContext context, Argument<? super Iterable<String>> type)
                throws IOException {
            JsonNode node = read(decoder, type, array -> array.isArray()
                    && StreamSupport.stream(array.values().spliterator(), false).allMatch(JsonNode::isString),
                    "an array of strings");
            return StreamSupport.stream(node.values().spliterator(), false).map(JsonNode::getStringValue).toList();
        }
    }

    /** The field's value if it is of the JSON type {@code accepted} tells; otherwise the field's refusal. */
    static JsonNode read(Decoder decoder, Argument<?> type, Predicate<JsonNode> accepted, String expected)
            throws IOException {
        JsonNode node = decoder.decodeNode();
        if (!accepted.test(node)) {
            String field = jsonName(type);
            throw new InvalidRequest(RequestReason.INVALID_FIELD, field, field + " must be " + expected);
        }
        return node;
    }

    static String jsonName(Argument<?> property) {
        return property.getAnnotationMetadata().stringValue(JsonProperty.class).orElse(property.getName());
    }

    static long positiveInteger(Number number, String field) {
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
