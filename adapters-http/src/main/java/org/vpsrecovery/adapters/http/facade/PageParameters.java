package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import java.util.Optional;
import java.util.function.Function;

/**
 * The page parameters of every paged list, read in one place, so that a bad one is named by the same code on every
 * route: a size out of its range is {@code PAGE_SIZE_OUT_OF_RANGE}, a position that is not one the platform gave is
 * {@code INVALID_CURSOR} (ADR 0006, amended in session 44). A position that is well formed but names nothing (a policy
 * or hold deleted since) is each list's own answer.
 */
public final class PageParameters {

    private PageParameters() {
    }

    /** {@code limit}: a whole number 1 to {@code max}; absent, {@code absent}. */
    public static int size(@Nullable String raw, int max, int absent) {
        if (raw == null) {
            return absent;
        }
        // At most nine digits: a longer one is out of every range, and never overflows an int.
        if (raw.matches("[0-9]{1,9}")) {
            int value = Integer.parseInt(raw);
            if (value >= 1 && value <= max) {
                return value;
            }
        }
        throw new InvalidRequest(RequestReason.PAGE_SIZE_OUT_OF_RANGE, "limit", "limit must be an integer 1-" + max);
    }

    /**
     * {@code after}: the previous page's {@code next}, read by {@code parse} (which refuses any other with an
     * {@link IllegalArgumentException}); {@code what} names it in the refusal ("a policy id (a UUID)").
     */
    public static <T> Optional<T> after(@Nullable String raw, Function<String, T> parse, String what) {
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse.apply(raw));
        } catch (IllegalArgumentException notOneGiven) {
            throw new InvalidRequest(RequestReason.INVALID_CURSOR, "after",
                    "after must be " + what + ": the \"next\" of a previous page, unchanged");
        }
    }
}
