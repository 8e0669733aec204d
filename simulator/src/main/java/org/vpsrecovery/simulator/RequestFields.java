package org.vpsrecovery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The provider's input checks, with Django REST Framework's wording: each check reads one field of a
 * body or query and notes what is wrong with it; {@link #refusal()} answers them all at once, as
 * {@code 400 {"field": ["message"]}}.
 */
final class RequestFields {

    private final Map<String, String> errors = new LinkedHashMap<>();

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    Answer refusal() {
        return Answer.fieldErrors(errors);
    }

    /** An optional integer query filter such as {@code ?server_id=}. */
    Optional<Long> integerFilter(Map<String, String> query, String field) {
        String raw = query.get(field);
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(raw));
        } catch (NumberFormatException e) {
            errors.put(field, "Enter a whole number.");
            return Optional.empty();
        }
    }

    /** An optional query filter that must be one of {@code choices}. */
    Optional<String> choiceFilter(Map<String, String> query, String field, List<String> choices) {
        String raw = query.get(field);
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        if (!choices.contains(raw)) {
            errors.put(field, "Select a valid choice. " + raw + " is not one of the available choices.");
            return Optional.empty();
        }
        return Optional.of(raw);
    }

    /** A required integer of a JSON body; a string of digits is accepted, as DRF does. */
    Optional<Long> requiredInteger(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            errors.put(field, "This field is required.");
            return Optional.empty();
        }
        if (value.isIntegralNumber()) {
            return Optional.of(value.asLong());
        }
        if (value.isTextual() && value.asText().matches("-?\\d{1,18}")) {
            return Optional.of(Long.parseLong(value.asText()));
        }
        errors.put(field, "A valid integer is required.");
        return Optional.empty();
    }

    /** A required, non-blank string of a JSON body. */
    Optional<String> requiredText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            errors.put(field, "This field is required.");
            return Optional.empty();
        }
        Optional<String> text = text(value, field);
        if (text.isPresent() && text.get().isBlank()) {
            errors.put(field, "This field may not be blank.");
            return Optional.empty();
        }
        return text;
    }

    /** An optional string of a JSON body; empty when absent or {@code null}. */
    Optional<String> optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? Optional.empty() : text(value, field);
    }

    /** Notes a further error on a field that passed its type check (a name's length or characters). */
    void refuse(String field, String message) {
        errors.put(field, message);
    }

    private Optional<String> text(JsonNode value, String field) {
        if (!value.isTextual()) {
            errors.put(field, "Not a valid string.");
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }
}
