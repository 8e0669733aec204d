package org.vpsrecovery.domain.hold;

import java.util.Objects;
import org.vpsrecovery.domain.common.Description;

/**
 * Why a point is held, as the placer wrote it: 1 to {@value #MAX_LENGTH} characters, no control
 * characters (the rules of {@link Description}), so it is safe in the audit history and its exports.
 */
public record HoldReason(String value) {

    public static final int MAX_LENGTH = 255;

    public HoldReason {
        Objects.requireNonNull(value, "reason");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a hold needs a reason");
        }
        new Description(value); // the same character rules
    }

    /** A reason a placer gives now: also no code point this JDK calls unassigned ({@link Description#newlyGiven}). */
    public static HoldReason given(String value) {
        return new HoldReason(Description.newlyGiven(Objects.requireNonNull(value, "reason")));
    }

    @Override
    public String toString() {
        return value;
    }
}
