package org.vpsrecovery.domain.common;

import java.util.Objects;

/** The acting team: a lower-case slug of 1 to 63 characters, e.g. {@code payments-core}. */
public record TeamId(String value) {

    public TeamId {
        Objects.requireNonNull(value, "team id");
        if (!Slug.matches(value)) {
            throw new IllegalArgumentException("team id must be " + Slug.RULE);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
