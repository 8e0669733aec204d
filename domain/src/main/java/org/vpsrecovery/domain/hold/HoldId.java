package org.vpsrecovery.domain.hold;

import java.util.Objects;
import java.util.UUID;

/** A hold's id: the same UUID as the attempt that placed it, so reconciliation finds it from the intent. */
public record HoldId(UUID value) {

    public HoldId {
        Objects.requireNonNull(value, "value");
    }

    /** Parses a caller-supplied id; refuses anything but a UUID. */
    public static HoldId parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() != 36) {
            throw new IllegalArgumentException("a hold id is a UUID");
        }
        return new HoldId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
