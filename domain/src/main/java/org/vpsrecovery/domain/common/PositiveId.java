package org.vpsrecovery.domain.common;

/** The provider's ids are positive integers; every id type checks that the same way. */
public final class PositiveId {

    private PositiveId() {
    }

    public static long require(long value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be a positive integer, was " + value);
        }
        return value;
    }
}
