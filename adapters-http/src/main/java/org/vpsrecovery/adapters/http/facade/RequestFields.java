package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import java.util.Optional;
import java.util.function.Function;

/** Turns one request field (a path or query id, a bound body field) into a domain value, or refuses with the field's name. */
final class RequestFields {

    private RequestFields() {
    }

    /** The domain value's constructor is the rule; its refusal becomes the field's. */
    static <T> T domainValue(String field, String raw, Function<String, T> parse) {
        try {
            return parse.apply(raw);
        } catch (IllegalArgumentException invalid) {
            throw new InvalidRequest(RequestReason.INVALID_FIELD, field, invalid.getMessage());
        }
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
