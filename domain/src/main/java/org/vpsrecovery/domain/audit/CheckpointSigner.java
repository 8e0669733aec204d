package org.vpsrecovery.domain.audit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Signs checkpoints with the service's Ed25519 private key. Whoever holds the public key checks them
 * ({@link CheckpointKeys}); nobody without the private key can make one the service would believe.
 * The private key never leaves this object, not even in {@link #toString()}.
 */
public final class CheckpointSigner {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    public CheckpointSigner(KeyPair keys) {
        Objects.requireNonNull(keys, "key pair");
        this.privateKey = Objects.requireNonNull(keys.getPrivate(), "private key");
        this.publicKey = Objects.requireNonNull(keys.getPublic(), "public key");
        this.keyId = CheckpointKeys.keyIdOf(publicKey);
        // A private key that does not belong to the public key would sign checkpoints nobody can check.
        ChainCheckpoint probe = sign(new ChainPosition(1, ChainHash.GENESIS), Instant.EPOCH, ChainHash.GENESIS);
        if (!CheckpointKeys.of(List.of(publicKey)).verifies(probe)) {
            throw new IllegalArgumentException("the checkpoint private key does not match its public key");
        }
    }

    public String keyId() {
        return keyId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /**
     * A checkpoint of the chain at {@code position}, taken at {@code takenAt}, following the stored
     * checkpoint whose digest is {@code previous} ({@link ChainCheckpoint#digestOf}).
     */
    public ChainCheckpoint sign(ChainPosition position, Instant takenAt, ChainHash previous) {
        return sign(position, takenAt, previous, OptionalLong.empty());
    }

    /**
     * As {@link #sign(ChainPosition, Instant, ChainHash)}, stating that every event after
     * {@code walkedAfter} (a walked checkpoint's sequence, or 0 for the first event) up to {@code position}
     * was walked intact before signing.
     */
    public ChainCheckpoint signWalked(ChainPosition position, Instant takenAt, ChainHash previous, long walkedAfter) {
        return sign(position, takenAt, previous, OptionalLong.of(walkedAfter));
    }

    /**
     * The first checkpoint after the database went back: as the others, and naming the checkpoint file set aside for it
     * ({@code cut}); {@code walkedAfter} empty when no walk was made.
     */
    public ChainCheckpoint signAfterCut(ChainPosition position, Instant takenAt, ChainHash previous,
                                        OptionalLong walkedAfter, ChainCut cut) {
        return sign(position, takenAt, previous, walkedAfter, Optional.of(Objects.requireNonNull(cut, "cut")));
    }

    private ChainCheckpoint sign(ChainPosition position, Instant takenAt, ChainHash previous, OptionalLong walkedAfter) {
        return sign(position, takenAt, previous, walkedAfter, Optional.empty());
    }

    private ChainCheckpoint sign(ChainPosition position, Instant takenAt, ChainHash previous, OptionalLong walkedAfter,
                                 Optional<ChainCut> cut) {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(takenAt, "taken at");
        Objects.requireNonNull(previous, "previous");
        try {
            Signature signer = Signature.getInstance(CheckpointKeys.ALGORITHM);
            signer.initSign(privateKey);
            signer.update(ChainCheckpoint.signedBytes(position, takenAt, keyId, previous, walkedAfter, cut));
            return new ChainCheckpoint(position.sequence(), position.hash(), takenAt, keyId, previous, walkedAfter, cut,
                    signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the checkpoint key cannot sign with Ed25519: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "CheckpointSigner[keyId=" + keyId + "]";
    }
}
