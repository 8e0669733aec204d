package org.vpsrecovery.domain.audit;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Ed25519 public keys whose checkpoints are believed: the service's own and any an operator
 * names (a rotated key, another instance's). A checkpoint signed by any other key is a forgery as
 * far as verification is concerned.
 */
public final class CheckpointKeys {

    public static final String ALGORITHM = "Ed25519";

    private final Map<String, PublicKey> byId;

    private CheckpointKeys(Map<String, PublicKey> byId) {
        this.byId = Map.copyOf(byId);
    }

    public static CheckpointKeys of(Collection<? extends PublicKey> keys) {
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        for (PublicKey key : keys) {
            requireEd25519(key);
            byId.put(keyIdOf(key), key);
        }
        if (byId.isEmpty()) {
            throw new IllegalArgumentException("at least one trusted checkpoint key is needed");
        }
        return new CheckpointKeys(byId);
    }

    /** The first 8 bytes of the SHA-256 of the key's X.509 encoding, as hex: names the key in each checkpoint. */
    public static String keyIdOf(PublicKey key) {
        requireEd25519(key);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    static void requireEd25519(PublicKey key) {
        Objects.requireNonNull(key, "public key");
        if (!(key instanceof EdECPublicKey edec) || !NamedParameterSpec.ED25519.getName().equalsIgnoreCase(
                edec.getParams().getName())) {
            throw new IllegalArgumentException("checkpoint keys are Ed25519 keys, not " + key.getAlgorithm());
        }
    }

    public Set<String> keyIds() {
        return byId.keySet();
    }

    /** Whether a trusted key made this checkpoint's signature over exactly its content. */
    public boolean verifies(ChainCheckpoint checkpoint) {
        PublicKey key = byId.get(checkpoint.keyId());
        if (key == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(checkpoint.signedBytes());
            return verifier.verify(checkpoint.signature());
        } catch (InvalidKeyException | SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime provides Ed25519", e);
        }
    }
}
