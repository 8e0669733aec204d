package org.vpsrecovery.domain.common;

import java.util.Objects;

/**
 * A free-text description given by a caller: at most {@value #MAX_LENGTH} characters, no control
 * characters (no newlines either), so that it is safe in logs, CSV exports and the provider's UI.
 */
public record Description(String value) {

    public static final int MAX_LENGTH = 255;

    public Description {
        Objects.requireNonNull(value, "description");
        if (value.codePointCount(0, value.length()) > MAX_LENGTH) {
            throw new IllegalArgumentException("description must be at most " + MAX_LENGTH + " characters");
        }
        if (value.codePoints().anyMatch(Description::isControl)) {
            throw new IllegalArgumentException("description must not contain control characters");
        }
    }

    private static boolean isControl(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isISOControl(codePoint) || type == Character.FORMAT && codePoint != 0x200D
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE || type == Character.UNASSIGNED;
    }

    @Override
    public String toString() {
        return value;
    }
}
