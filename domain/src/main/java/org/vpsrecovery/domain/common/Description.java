package org.vpsrecovery.domain.common;

import java.util.Objects;

/**
 * A free-text description given by a caller: at most {@value #MAX_LENGTH} characters, no control
 * characters (no newlines either), so that it is safe in logs, CSV exports and the provider's UI.
 *
 * <p>The rule does not move with the JDK's Unicode version: a value accepted once is stored (hold reasons, policy name
 * templates) and read back through this same check, possibly by another JDK after a rolling upgrade or rollback. So it
 * refuses only what no Unicode version changes: controls (Cc, fixed by Unicode's stability policy), unpaired
 * surrogates, the line and paragraph separators, and the format characters (Cf) as Unicode 16.0 has them, pinned
 * here, since each Unicode version may add some. Code points a JDK calls unassigned are accepted (ADR 0003, amended in
 * session 42).
 */
public record Description(String value) {

    public static final int MAX_LENGTH = 255;

    private static final int ZERO_WIDTH_JOINER = 0x200D; // joins emoji sequences: allowed
    /** Unicode 16.0's format characters (general category Cf), as first-last pairs in order. */
    private static final int[] FORMAT_RANGES = {
            0x00AD, 0x00AD, 0x0600, 0x0605, 0x061C, 0x061C, 0x06DD, 0x06DD, 0x070F, 0x070F, 0x0890, 0x0891,
            0x08E2, 0x08E2, 0x180E, 0x180E, 0x200B, 0x200F, 0x202A, 0x202E, 0x2060, 0x2064, 0x2066, 0x206F,
            0xFEFF, 0xFEFF, 0xFFF9, 0xFFFB, 0x110BD, 0x110BD, 0x110CD, 0x110CD, 0x13430, 0x1343F, 0x1BCA0, 0x1BCA3,
            0x1D173, 0x1D17A, 0xE0001, 0xE0001, 0xE0020, 0xE007F};

    public Description {
        Objects.requireNonNull(value, "description");
        if (value.codePointCount(0, value.length()) > MAX_LENGTH) {
            throw new IllegalArgumentException("description must be at most " + MAX_LENGTH + " characters");
        }
        if (value.codePoints().anyMatch(Description::isControl)) {
            throw new IllegalArgumentException("description must not contain control characters");
        }
    }

    /**
     * {@code text} as a caller gives it anew (a hold reason, a policy's name template): besides this record's rule, no
     * code point this JDK calls unassigned. Stored rows are read back by the record's rule alone, which accepts them, so
     * a row written by an earlier release on another JDK always reads back; but an earlier release read with the JDK's
     * unassigned refused, so this release does not write what it could not read during a rolling roll-out or after a
     * rollback (expand, then contract: ADR 0003, amended in session 42).
     */
    public static String newlyGiven(String text) {
        Objects.requireNonNull(text, "description");
        if (text.codePoints().anyMatch(codePoint -> Character.getType(codePoint) == Character.UNASSIGNED)) {
            throw new IllegalArgumentException("must not contain code points unassigned in this platform's Unicode ("
                    + "an earlier release could not read them back)");
        }
        return text;
    }

    /**
     * Whether {@code text} has a lone UTF-16 surrogate: no character at all, and PostgreSQL's driver stores it as
     * {@code ?}, so what is stored would differ from what was answered. Other free text (webhook URLs, approval
     * reasons) refuses it by this rule too.
     */
    public static boolean hasUnpairedSurrogate(String text) {
        return text.codePoints().anyMatch(Description::isUnpairedSurrogate);
    }

    private static boolean isUnpairedSurrogate(int codePoint) {
        // String.codePoints yields a paired surrogate as one supplementary code point, a lone one as itself.
        return codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE;
    }

    private static boolean isControl(int codePoint) {
        return Character.isISOControl(codePoint)
                || isUnpairedSurrogate(codePoint)
                || codePoint == 0x2028 || codePoint == 0x2029
                || codePoint != ZERO_WIDTH_JOINER && isFormat(codePoint);
    }

    private static boolean isFormat(int codePoint) {
        for (int i = 0; i < FORMAT_RANGES.length && FORMAT_RANGES[i] <= codePoint; i += 2) {
            if (codePoint <= FORMAT_RANGES[i + 1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return value;
    }
}
