package org.vpsrecovery.domain.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A signed statement "at {@code takenAt} the audit chain reached {@code sequence} with {@code hash}",
 * kept where the database's owner cannot rewrite it. The signature (Ed25519, key {@code keyId}) covers
 * {@link #signedBytes()}: format {@value #FORMAT}, then sequence, hash, taken-at (ISO-8601) and key id,
 * one per line. Changing that is a new format version, never an edit.
 */
public record ChainCheckpoint(long sequence, ChainHash hash, Instant takenAt, String keyId, byte[] signature) {

    public static final String FORMAT = "vpsr-checkpoint-v1";
    /** An Ed25519 signature's length. */
    public static final int SIGNATURE_BYTES = 64;
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");

    public ChainCheckpoint {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(takenAt, "taken at");
        Objects.requireNonNull(keyId, "key id");
        Objects.requireNonNull(signature, "signature");
        if (sequence <= 0) {
            throw new IllegalArgumentException("a checkpoint's sequence must be positive");
        }
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("a key id is 16 lower-case hex digits");
        }
        if (signature.length != SIGNATURE_BYTES) {
            throw new IllegalArgumentException("an Ed25519 signature is " + SIGNATURE_BYTES + " bytes, was "
                    + signature.length);
        }
        signature = signature.clone();
    }

    public ChainPosition position() {
        return new ChainPosition(sequence, hash);
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    public String signatureBase64() {
        return Base64.getEncoder().encodeToString(signature);
    }

    /** What the signature covers. */
    public byte[] signedBytes() {
        return signedBytes(position(), takenAt, keyId);
    }

    static byte[] signedBytes(ChainPosition position, Instant takenAt, String keyId) {
        return (FORMAT + "\n" + position.sequence() + "\n" + position.hash().hex() + "\n" + takenAt + "\n" + keyId
                + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChainCheckpoint that && sequence == that.sequence && hash.equals(that.hash)
                && takenAt.equals(that.takenAt) && keyId.equals(that.keyId) && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, hash, takenAt, keyId, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "ChainCheckpoint[sequence=" + sequence + ", hash=" + hash + ", takenAt=" + takenAt + ", keyId=" + keyId
                + "]";
    }
}
