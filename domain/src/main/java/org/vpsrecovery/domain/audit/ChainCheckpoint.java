package org.vpsrecovery.domain.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A signed statement "at {@code takenAt} the audit chain reached {@code sequence} with {@code hash}",
 * kept where the database's owner cannot rewrite it. Checkpoints form a chain of their own:
 * {@code previous} is the {@link #digest()} of the checkpoint stored before this one (genesis for the
 * first), so one valid signature on the last vouches for every one before it, and a checkpoint
 * removed, inserted or edited breaks the link after it.
 *
 * <p>A checkpoint may also say that its signer <em>walked</em> the chain before signing it
 * ({@code walkedAfter}): every event after that sequence up to this one was read and its hash
 * recomputed, intact, and the walk started at a walked checkpoint ({@code walkedAfter} is its
 * sequence) or at the first event (0). Such checkpoints vouch, one after the other, for every event
 * up to the latest of them, so verification may walk only what came after it (ADR 0047).
 *
 * <p>The signature (Ed25519, key {@code keyId}) covers {@link #signedBytes()}: the format, then
 * sequence, hash, taken-at (ISO-8601), key id and previous, one per line, and for format
 * {@value #FORMAT} the walked-after sequence last. {@value #FORMAT_NOT_WALKED} (no walk stated) stays
 * readable and is still written when no walk was made. Changing that is a new format version, never an edit.
 */
public record ChainCheckpoint(long sequence, ChainHash hash, Instant takenAt, String keyId, ChainHash previous,
                              OptionalLong walkedAfter, Optional<ChainCut> cut, byte[] signature) {

    /** A checkpoint that states the walk made before signing it. */
    public static final String FORMAT = "vpsr-checkpoint-v2";
    /** A checkpoint that states no walk: the head as stored, witnessed. */
    public static final String FORMAT_NOT_WALKED = "vpsr-checkpoint-v1";
    /**
     * The first checkpoint after the database went back: it also names the checkpoint file set aside for it
     * ({@link ChainCut}), and states its walk or "-" for none (ADR 0022, amended in session 51).
     */
    public static final String FORMAT_AFTER_CUT = "vpsr-checkpoint-v3";
    /** An Ed25519 signature's length. */
    public static final int SIGNATURE_BYTES = 64;
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");

    public ChainCheckpoint {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(takenAt, "taken at");
        Objects.requireNonNull(keyId, "key id");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(walkedAfter, "walked after");
        Objects.requireNonNull(cut, "cut");
        Objects.requireNonNull(signature, "signature");
        if (sequence <= 0) {
            throw new IllegalArgumentException("a checkpoint's sequence must be positive");
        }
        if (walkedAfter.isPresent() && (walkedAfter.getAsLong() < 0 || walkedAfter.getAsLong() >= sequence)) {
            throw new IllegalArgumentException("a walk ends at its checkpoint, so it starts after 0 or an earlier "
                    + "sequence, was " + walkedAfter.getAsLong());
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

    /** A checkpoint that states no walk ({@value #FORMAT_NOT_WALKED}). */
    public ChainCheckpoint(long sequence, ChainHash hash, Instant takenAt, String keyId, ChainHash previous,
                           byte[] signature) {
        this(sequence, hash, takenAt, keyId, previous, OptionalLong.empty(), signature);
    }

    /** A checkpoint that names no cut. */
    public ChainCheckpoint(long sequence, ChainHash hash, Instant takenAt, String keyId, ChainHash previous,
                           OptionalLong walkedAfter, byte[] signature) {
        this(sequence, hash, takenAt, keyId, previous, walkedAfter, Optional.empty(), signature);
    }

    public String format() {
        return cut.isPresent() ? FORMAT_AFTER_CUT : walkedAfter.isPresent() ? FORMAT : FORMAT_NOT_WALKED;
    }

    /** What the next checkpoint's {@code previous} must be after {@code latest} (genesis when there is none). */
    public static ChainHash digestOf(Optional<ChainCheckpoint> latest) {
        return latest.map(ChainCheckpoint::digest).orElse(ChainHash.GENESIS);
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
        return signedBytes(position(), takenAt, keyId, previous, walkedAfter, cut);
    }

    /** SHA-256 of the signed bytes and the signature: what the next checkpoint links to. */
    public ChainHash digest() {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(signedBytes());
            sha256.update(signature);
            return ChainHash.of(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    static byte[] signedBytes(ChainPosition position, Instant takenAt, String keyId, ChainHash previous,
                              OptionalLong walkedAfter, Optional<ChainCut> cut) {
        String common = position.sequence() + "\n" + position.hash().hex() + "\n" + takenAt + "\n" + keyId + "\n"
                + previous.hex() + "\n";
        if (cut.isPresent()) {
            ChainCut c = cut.get();
            return (FORMAT_AFTER_CUT + "\n" + common + (walkedAfter.isPresent() ? walkedAfter.getAsLong() : "-") + "\n"
                    + c.setAsideSequence() + "\n" + c.setAsideHash().hex() + "\n" + c.setAsideDigest().hex() + "\n"
                    + c.setAsideTakenAt() + "\n" + c.heldThrough() + "\n"
                    + c.heldThroughTakenAt().map(Instant::toString).orElse("-") + "\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }
        String bytes = walkedAfter.isPresent()
                ? FORMAT + "\n" + common + walkedAfter.getAsLong() + "\n"
                : FORMAT_NOT_WALKED + "\n" + common;
        return bytes.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChainCheckpoint that && sequence == that.sequence && hash.equals(that.hash)
                && takenAt.equals(that.takenAt) && keyId.equals(that.keyId) && previous.equals(that.previous)
                && walkedAfter.equals(that.walkedAfter) && cut.equals(that.cut) && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, hash, takenAt, keyId, previous, walkedAfter, cut, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "ChainCheckpoint[sequence=" + sequence + ", hash=" + hash + ", takenAt=" + takenAt + ", keyId=" + keyId
                + ", previous=" + previous + (walkedAfter.isPresent() ? ", walkedAfter=" + walkedAfter.getAsLong() : "")
                + cut.map(c -> ", cut=" + c).orElse("") + "]";
    }
}
