package org.vpsrecovery.adapters.http.provider;

import java.util.Objects;

/**
 * The platform's VPS.org API token. A class, not a record, so that nothing prints it by accident:
 * {@link #toString()} is redacted and only the client reads {@link #reveal()} to build the header.
 */
public final class ApiToken {

    private final String value;

    public ApiToken(String value) {
        Objects.requireNonNull(value, "vpsorg.api-token is required");
        if (value.isBlank()) {
            throw new IllegalArgumentException("vpsorg.api-token is required and must not be blank");
        }
        if (value.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            // It goes into an HTTP header: no spaces, no control or non-ASCII characters.
            throw new IllegalArgumentException("vpsorg.api-token must be printable ASCII without spaces");
        }
        this.value = value;
    }

    String reveal() {
        return value;
    }

    /** Removes the token from text that came from elsewhere (a provider's error message, say). */
    String redactFrom(String text) {
        return text == null ? null : text.replace(value, "***");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApiToken token && token.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "ApiToken[***]";
    }
}
