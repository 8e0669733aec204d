package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import java.util.Optional;
import java.util.function.Function;
import org.vpsrecovery.domain.common.Description;

/** Turns one request field (a path or query id, a bound body field) into a domain value, or refuses with the field's name. */
final class RequestFields {

    private RequestFields() {
    }

    /** The subject {@link Description}'s rule names, shared by hold reasons and name templates. */
    private static final String DESCRIPTION = "description";

    /** The domain value's constructor is the rule; its refusal becomes the field's. */
    static <T> T domainValue(String field, String raw, Function<String, T> parse) {
        try {
            return parse.apply(raw);
        } catch (IllegalArgumentException invalid) {
            throw new InvalidRequest(RequestReason.INVALID_FIELD, field, saidOf(field, invalid.getMessage()));
        }
    }

    /**
     * A rule's refusal said of the field as the request names it: a hold's {@code reason} with a control character was
     * told "description must not ...", the rule it shares; one naming no subject ("must not ...") gets the field's
     * (ADR 0006, amended in session 51).
     */
    private static String saidOf(String field, String message) {
        if (message == null) {
            return field + " is not valid";
        }
        if (message.startsWith("must ")) {
            return field + " " + message;
        }
        return message.startsWith(DESCRIPTION + " ") ? field + message.substring(DESCRIPTION.length()) : message;
    }

    static <T> Optional<T> optionalDomainValue(String field, @Nullable String raw, Function<String, T> parse) {
        return raw == null ? Optional.empty() : Optional.of(domainValue(field, raw, parse));
    }

    /**
     * A list's query filter: absent when not sent or sent empty ({@code ?server_id=}), as VPS.org's filters take an
     * empty value (django-filter skips it), so a client that builds its query with every key keeps working.
     */
    static Optional<String> queryFilter(@Nullable String raw) {
        return raw == null || raw.isEmpty() ? Optional.empty() : Optional.of(raw);
    }

    /**
     * A query parameter that names one value, given at most once: Micronaut joins {@code ?server_id=1&server_id=2} into
     * "1,2", which was refused as "must be a positive integer" (ADR 0006, amended in session 51).
     */
    static void requireOnce(HttpRequest<?> request, String name) {
        if (request.getParameters().getAll(name).size() > 1) {
            throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, name,
                    name + " is given more than once; give it once");
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
}
