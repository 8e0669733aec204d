package org.vpsrecovery.adapters.http.facade;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Bearer tokens kept only as SHA-256 digests, each naming its holder. A presented token is hashed
 * and compared with every stored digest in constant time, so neither timing nor early exit tells
 * how close a guess was.
 */
final class TokenDigests<H> {

    static final int MAX_TOKEN_LENGTH = 512;

    private record Entry<H>(H holder, byte[] digest) {
    }

    private final List<Entry<H>> entries;

    /** @param sha256HexByHolder each holder's token digest, 64 hex characters; {@code describe} names a holder in errors */
    TokenDigests(Map<H, String> sha256HexByHolder, Function<H, String> describe) {
        this.entries = sha256HexByHolder.entrySet().stream()
                .map(e -> new Entry<>(e.getKey(), parseDigest(describe.apply(e.getKey()), e.getValue())))
                .toList();
    }

    static String sha256Hex(String token) {
        return HexFormat.of().formatHex(digest(token));
    }

    Optional<H> holderOf(String presentedToken) {
        if (presentedToken == null || presentedToken.isEmpty() || presentedToken.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        byte[] presented = digest(presentedToken);
        H match = null;
        for (Entry<H> entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), presented)) {
                match = entry.holder();
            }
        }
        return Optional.ofNullable(match);
    }

    private static byte[] parseDigest(String holder, String hex) {
        if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("the token digest of " + holder + " must be 64 hex characters (SHA-256)");
        }
        return HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
