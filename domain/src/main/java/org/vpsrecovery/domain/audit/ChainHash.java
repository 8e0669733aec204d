package org.vpsrecovery.domain.audit;

import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/** A SHA-256 value in the audit chain, as 64 lower-case hex digits. */
public record ChainHash(String hex) {

    public static final int BYTES = 32;
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    /** The "previous hash" of the first event: 32 zero bytes. */
    public static final ChainHash GENESIS = new ChainHash("0".repeat(64));

    public ChainHash {
        Objects.requireNonNull(hex, "hash");
        if (!HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("a chain hash is 64 lower-case hex digits");
        }
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
