package org.vpsrecovery.domain.snapshot;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A name for a new snapshot: ASCII letters, digits, hyphens and underscores, as the provider
 * requires, 1 to {@value #MAX_LENGTH} characters (our bound; the provider documents none).
 */
public record SnapshotName(String value) {

    public static final int MAX_LENGTH = 64;
    /** The rule as a regular expression, for the adapters that check or document it before this record is made. */
    public static final String PATTERN = "^[A-Za-z0-9_-]{1," + MAX_LENGTH + "}$";
    /** The rule in words, the refusal's message. */
    public static final String RULE = "snapshot name must be 1-" + MAX_LENGTH
            + " characters of ASCII letters, digits, hyphens and underscores";
    private static final Pattern ALLOWED = Pattern.compile(PATTERN);

    public SnapshotName {
        Objects.requireNonNull(value, "snapshot name");
        if (!ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException(RULE);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
