package org.vpsrecovery.domain.common;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Correlates one request across logs, the audit history and the response: 1-128 visible ASCII characters. */
public record RequestId(String value) {

    public static final int MAX_LENGTH = 128;
    private static final String SAFE_PUNCTUATION = "._:/+=@-";

    public RequestId {
        Objects.requireNonNull(value, "request id");
        if (!isSafe(value)) {
            throw new IllegalArgumentException(
                    "request id must be 1-" + MAX_LENGTH + " characters of letters, digits and ._:/+=@-");
        }
    }

    /**
     * Prefixes of the ids the platform gives its own work (policy runs, rotations, retention, drift scans).
     * Who made a recovery point is read from them (ADR 0036), so a caller may not send one.
     */
    public static final List<String> PLATFORM_PREFIXES = List.of("policy-run:", "policy-rotation:", "policy-retention:", "drift-scan:");

    /** Whether this id is one the platform's own work uses, never a caller's. */
    public boolean isPlatformMade() {
        return PLATFORM_PREFIXES.stream().anyMatch(value::startsWith);
    }

    /**
     * 1-{@value #MAX_LENGTH} of letters, digits and {@code ._:/+=@-}: checked character by character, since every
     * request without its own id makes one and a regular expression's match was most of its cost (ADR 0100).
     */
    private static boolean isSafe(String value) {
        int length = value.length();
        if (length == 0 || length > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || SAFE_PUNCTUATION.indexOf(c) >= 0;
            if (!safe) {
                return false;
            }
        }
        return true;
    }

    /**
     * A new id: a version 7 UUID, time-ordered so that the audit history's request index takes its entries at its
     * newest end (ADR 0137), its random part from {@link ThreadLocalRandom}, not the secure generator behind
     * {@link UUID#randomUUID()}: a request id correlates, it guards nothing (a caller may send any id it likes), and
     * the secure draw was ~1.5 % of a list's CPU (ADR 0129).
     */
    public static RequestId random() {
        return new RequestId(TimeOrderedUuid.next().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
