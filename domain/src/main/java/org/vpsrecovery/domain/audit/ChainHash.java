package org.vpsrecovery.domain.audit;

import java.util.HexFormat;
import java.util.Objects;

/** A SHA-256 value in the audit chain, as 64 lower-case hex digits. */
public record ChainHash(String hex) {

    public static final int BYTES = 32;

    /** The "previous hash" of the first event: 32 zero bytes. */
    public static final ChainHash GENESIS = new ChainHash("0".repeat(64));

    public ChainHash {
        Objects.requireNonNull(hex, "hash");
        if (!isLowerHex(hex)) {
            throw new IllegalArgumentException("a chain hash is 64 lower-case hex digits");
        }
    }

    // A loop, not a regular expression: every verified event makes a few of these (ADR 0049).
    private static boolean isLowerHex(String hex) {
        if (hex.length() != 2 * BYTES) {
            return false;
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    public static ChainHash of(byte[] bytes) {
        Objects.requireNonNull(bytes, "hash bytes");
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a chain hash is " + BYTES + " bytes, was " + bytes.length);
        }
        return new ChainHash(HexFormat.of().formatHex(bytes));
    }

    public byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
