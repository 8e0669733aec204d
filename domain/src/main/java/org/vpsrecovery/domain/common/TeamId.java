package org.vpsrecovery.domain.common;

import java.util.Objects;
import java.util.regex.Pattern;

/** The acting team: a lower-case slug of 1 to 63 characters, e.g. {@code payments-core}. */
public record TeamId(String value) {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    public TeamId {
        Objects.requireNonNull(value, "team id");
        if (!SLUG.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "team id must be 1-63 lower-case letters, digits or inner hyphens");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
