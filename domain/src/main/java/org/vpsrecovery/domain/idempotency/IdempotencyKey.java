package org.vpsrecovery.domain.idempotency;

import java.util.Objects;
import java.util.regex.Pattern;

/** A client's Idempotency-Key: 1-255 printable ASCII characters (space included, not blank). */
public record IdempotencyKey(String value) {

    public static final int MAX_LENGTH = 255;
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]{1," + MAX_LENGTH + "}");

    public IdempotencyKey {
        Objects.requireNonNull(value, "idempotency key");
        if (!PRINTABLE.matcher(value).matches() || value.isBlank()) {
            throw new IllegalArgumentException("an idempotency key is 1-" + MAX_LENGTH + " printable ASCII characters");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
