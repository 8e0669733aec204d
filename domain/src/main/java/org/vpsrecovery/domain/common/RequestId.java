package org.vpsrecovery.domain.common;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/** Correlates one request across logs, the audit history and the response: 1-128 visible ASCII characters. */
public record RequestId(String value) {

    public static final int MAX_LENGTH = 128;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:/+=@-]{1," + MAX_LENGTH + "}");

    public RequestId {
        Objects.requireNonNull(value, "request id");
        if (!SAFE.matcher(value).matches()) {
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

    public static RequestId random() {
        return new RequestId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
