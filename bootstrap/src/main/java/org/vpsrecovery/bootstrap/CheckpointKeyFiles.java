package org.vpsrecovery.bootstrap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The checkpoint keys on disk: an Ed25519 private key as PKCS#8 (PEM {@code PRIVATE KEY}, as
 * {@code openssl genpkey -algorithm ed25519} writes it, or DER), public keys as X.509 (PEM
 * {@code PUBLIC KEY} or DER). Errors name the file and the setting, never the key.
 */
final class CheckpointKeyFiles {

    private static final String ALGORITHM = "Ed25519";

    private CheckpointKeyFiles() {
    }

    /** The key pair of the private key in {@code file}; the public half is derived from it. */
    static KeyPair readPrivateKey(Path file, String setting) {
        byte[] der = decode(read(file, setting), "PRIVATE KEY", file, setting);
        try {
            PrivateKey key = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
            return new KeyPair(publicKeyOf(key), key);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new StartupRefused(setting + ": " + file + " is not an Ed25519 private key in PKCS#8");
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** The key in {@code file}, made there first (readable by its owner only) if there is none. */
    static KeyPair readOrGenerate(Path file, String setting) {
        if (!Files.exists(file)) {
            generate(file, setting);
        }
        return readPrivateKey(file, setting);
    }

    static PublicKey readPublicKey(Path file, String setting) {
        byte[] der = decode(read(file, setting), "PUBLIC KEY", file, setting);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new StartupRefused(setting + ": " + file + " is not an Ed25519 public key (X.509)");
        }
    }

    static String publicKeyPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /**
     * The JDK derives an Ed25519 public key only while generating a pair, from the 32 random bytes
     * it draws: so draw the private key's own bytes, and check that the same private key came out.
     */
    private static PublicKey publicKeyOf(PrivateKey key) throws GeneralSecurityException {
        if (!(key instanceof EdECPrivateKey edec) || edec.getBytes().isEmpty()) {
            throw new GeneralSecurityException("not an Ed25519 private key with its bytes");
        }
        byte[] seed = edec.getBytes().get();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SeedOnce(seed));
            KeyPair derived = generator.generateKeyPair();
            byte[] again = ((EdECPrivateKey) derived.getPrivate()).getBytes().orElseThrow();
            boolean same = Arrays.equals(again, seed);
            Arrays.fill(again, (byte) 0);
            if (!same) {
                throw new GeneralSecurityException("could not derive the public key");
            }
            return derived.getPublic();
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** Hands out given bytes as the generator's randomness: used only to derive a known key's public half. */
    private static final class SeedOnce extends SecureRandom {
        private final byte[] seed;

        SeedOnce(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("the Ed25519 generator drew " + bytes.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }

    private static void generate(Path file, String setting) {
        try {
            Path directory = file.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            byte[] pem = pem("PRIVATE KEY", pair.getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII);
            Path temporary = Files.createTempFile(directory, ".checkpoint-key-", ".tmp", ownerOnly());
            try {
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(pem);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(true);
                }
                // A link fails if the name exists: of two instances starting together, one key wins.
                Files.createLink(file, temporary);
            } catch (FileAlreadyExistsException lostTheRace) {
                // the other instance's key is the one
            } finally {
                Files.deleteIfExists(temporary);
                Arrays.fill(pem, (byte) 0);
            }
        } catch (IOException | GeneralSecurityException | UnsupportedOperationException e) {
            throw new StartupRefused(setting + ": could not create a checkpoint signing key in " + file + ": "
                    + e.getMessage());
        }
    }

    private static FileAttribute<?>[] ownerOnly() {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }

    private static byte[] read(Path file, String setting) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StartupRefused(setting + ": cannot read " + file);
        }
    }

    private static byte[] decode(byte[] content, String label, Path file, String setting) {
        String begin = "-----BEGIN " + label + "-----";
        String text = new String(content, StandardCharsets.US_ASCII);
        if (!text.stripLeading().startsWith("-----BEGIN ")) {
            return content; // DER
        }
        int start = text.indexOf(begin);
        int end = text.indexOf("-----END " + label + "-----");
        if (start < 0 || end < start) {
            throw new StartupRefused(setting + ": " + file + " is PEM but holds no " + label);
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
        } catch (IllegalArgumentException e) {
            throw new StartupRefused(setting + ": " + file + " is not valid PEM");
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
