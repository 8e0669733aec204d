package org.vpsrecovery.domain.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a request asked for, so that a key reused for a different request is caught: SHA-256, as
 * 64 lower-case hex digits, over the method, the path and the body (length-prefixed, so no two
 * different requests encode alike).
 */
public record RequestFingerprint(String sha256Hex) {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public RequestFingerprint {
        Objects.requireNonNull(sha256Hex, "fingerprint");
        if (!HEX.matcher(sha256Hex).matches()) {
            throw new IllegalArgumentException("a request fingerprint is 64 lower-case hex digits");
        }
    }

    public static RequestFingerprint of(String method, String path, byte[] body) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
        update(sha256, method.getBytes(StandardCharsets.UTF_8));
        update(sha256, path.getBytes(StandardCharsets.UTF_8));
        update(sha256, body);
        return new RequestFingerprint(HexFormat.of().formatHex(sha256.digest()));
    }

    private static void update(MessageDigest digest, byte[] part) {
        digest.update((part.length + ":").getBytes(StandardCharsets.US_ASCII));
        digest.update(part);
    }

    @Override
    public String toString() {
        return sha256Hex;
    }
}
