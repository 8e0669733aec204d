package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HexFormat;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.audit.CheckpointSigner;

class CheckpointKeyFilesTest {

    // RFC 8032, section 7.1, test 1: an Ed25519 private key and the public key it must give.
    private static final String RFC_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    private static final String RFC_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    /** PKCS#8 and X.509 wrappers of a raw Ed25519 key (OID 1.3.101.112), as openssl writes them. */
    private static final String PKCS8_PREFIX = "302e020100300506032b657004220420";
    private static final String X509_PREFIX = "302a300506032b6570032100";

    @TempDir
    Path dir;

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + label
                + "-----\n";
    }

    @Test
    void derivesThePublicKeyOfAPkcs8PrivateKeyAsRfc8032Says() throws Exception {
        byte[] der = HexFormat.of().parseHex(PKCS8_PREFIX + RFC_SEED);
        Path pemFile = Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", der));
        Path derFile = Files.write(dir.resolve("key.der"), der);

        KeyPair fromPem = CheckpointKeyFiles.readPrivateKey(pemFile, "VPSR_CHECKPOINT_KEY_FILE");
        KeyPair fromDer = CheckpointKeyFiles.readPrivateKey(derFile, "VPSR_CHECKPOINT_KEY_FILE");

        assertThat(HexFormat.of().formatHex(fromPem.getPublic().getEncoded())).isEqualTo(X509_PREFIX + RFC_PUBLIC);
        assertThat(fromDer.getPublic().getEncoded()).isEqualTo(fromPem.getPublic().getEncoded());
        // The pair signs what its public key verifies (the signer checks that on construction).
        assertThat(new CheckpointSigner(fromPem).keyId()).hasSize(16);
    }

    @Test
    void readsAPublicKeyInPemOrDerAndWritesPemItReadsBack() throws Exception {
        byte[] der = HexFormat.of().parseHex(X509_PREFIX + RFC_PUBLIC);
        Path pemFile = Files.writeString(dir.resolve("pub.pem"), pem("PUBLIC KEY", der));
        Path derFile = Files.write(dir.resolve("pub.der"), der);

        var fromPem = CheckpointKeyFiles.readPublicKey(pemFile, "VPSR_CHECKPOINT_TRUSTED_KEYS");
        Path written = Files.writeString(dir.resolve("again.pem"), CheckpointKeyFiles.publicKeyPem(fromPem));

        assertThat(fromPem.getEncoded()).isEqualTo(der);
        assertThat(CheckpointKeyFiles.readPublicKey(derFile, "VPSR_CHECKPOINT_TRUSTED_KEYS").getEncoded()).isEqualTo(der);
        assertThat(CheckpointKeyFiles.readPublicKey(written, "VPSR_CHECKPOINT_TRUSTED_KEYS").getEncoded()).isEqualTo(der);
    }

    @Test
    void aMissingKeyIsMadeOnceReadableByItsOwnerOnlyAndThenReused() throws Exception {
        Path file = dir.resolve("data").resolve("checkpoint-signing-key.pem");

        KeyPair first = CheckpointKeyFiles.readOrGenerate(file, "VPSR_DATA_DIR");
        KeyPair again = CheckpointKeyFiles.readOrGenerate(file, "VPSR_DATA_DIR");

        assertThat(again.getPublic().getEncoded()).isEqualTo(first.getPublic().getEncoded());
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file);
        }
    }

    @Test
    void somethingElseIsRefusedNamingTheFileAndTheSettingButNotTheContent() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "secret-looking-content-123");
        Path publicInstead = Files.writeString(dir.resolve("public.pem"),
                pem("PUBLIC KEY", HexFormat.of().parseHex(X509_PREFIX + RFC_PUBLIC)));
        Path ed448 = Files.write(dir.resolve("ed448.der"),
                KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPrivate().getEncoded());

        assertThatThrownBy(() -> CheckpointKeyFiles.readPrivateKey(garbage, "VPSR_CHECKPOINT_KEY_FILE"))
                .isInstanceOf(StartupRefused.class)
                .hasMessage("VPSR_CHECKPOINT_KEY_FILE: " + garbage + " is not an Ed25519 private key in PKCS#8");
        assertThatThrownBy(() -> CheckpointKeyFiles.readPrivateKey(publicInstead, "VPSR_CHECKPOINT_KEY_FILE"))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("holds no PRIVATE KEY");
        assertThatThrownBy(() -> CheckpointKeyFiles.readPrivateKey(ed448, "VPSR_CHECKPOINT_KEY_FILE"))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("is not an Ed25519 private key");
        assertThatThrownBy(() -> CheckpointKeyFiles.readPublicKey(garbage, "VPSR_CHECKPOINT_TRUSTED_KEYS"))
                .isInstanceOf(StartupRefused.class).hasMessageNotContaining("secret-looking-content-123");
        assertThat(Files.readString(garbage, StandardCharsets.US_ASCII)).isEqualTo("secret-looking-content-123");
    }

    @Test
    void trustsEveryKeyNamedInACommaSeparatedValueOrAList() throws Exception {
        KeyPairGenerator ed25519 = KeyPairGenerator.getInstance("Ed25519");
        CheckpointSigner own = new CheckpointSigner(ed25519.generateKeyPair());
        KeyPair rotated = ed25519.generateKeyPair();
        KeyPair other = ed25519.generateKeyPair();
        Path rotatedFile = Files.writeString(dir.resolve("rotated.pem"), CheckpointKeyFiles.publicKeyPem(rotated.getPublic()));
        Path otherFile = Files.writeString(dir.resolve("other.pem"), CheckpointKeyFiles.publicKeyPem(other.getPublic()));
        var expected = List.of(own.keyId(), CheckpointKeys.keyIdOf(rotated.getPublic()), CheckpointKeys.keyIdOf(other.getPublic()));

        // As an environment variable gives it (Deployment maps VPSR_CHECKPOINT_TRUSTED_KEYS to this property) ...
        var commaSeparated = new PropertySourcePropertyResolver(PropertySource.of(Map.of(
                ChainCheckpointFactory.TRUSTED_PUBLIC_KEYS, rotatedFile + ", " + otherFile + ",")));
        // ... and as a YAML list in a configuration file.
        var list = new PropertySourcePropertyResolver(PropertySource.of(Map.of(
                ChainCheckpointFactory.TRUSTED_PUBLIC_KEYS, List.of(rotatedFile.toString(), otherFile.toString()))));

        assertThat(new ChainCheckpointFactory().trustedCheckpointKeys(own, commaSeparated).keyIds())
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(new ChainCheckpointFactory().trustedCheckpointKeys(own, list).keyIds())
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    /** A public key file left empty or torn (a crash mid-write, a full disk) is written again, whole (ADR 0141, session 46). */
    @Test
    void anEmptyOrTornPublicKeyFileBesideTheCheckpointsIsWrittenAgain() throws Exception {
        CheckpointSigner signer = new CheckpointSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        Path checkpoints = dir.resolve("checkpoints");
        Path empty = Files.createDirectories(checkpoints).resolve("checkpoint-key-" + signer.keyId() + ".pub.pem");
        Files.writeString(empty, "");
        var properties = new PropertySourcePropertyResolver(PropertySource.of(Map.of(
                ChainCheckpointFactory.DIRECTORY, checkpoints.toString())));

        new ChainCheckpointFactory().chainCheckpoints(properties, signer);

        String pem = CheckpointKeyFiles.publicKeyPem(signer.publicKey());
        assertThat(Files.readString(empty, StandardCharsets.US_ASCII)).isEqualTo(pem);
        Files.writeString(empty, pem.substring(0, pem.length() / 2));
        new ChainCheckpointFactory().chainCheckpoints(properties, signer);
        assertThat(Files.readString(empty, StandardCharsets.US_ASCII)).isEqualTo(pem);
    }

    /**
     * The public key file beside the checkpoints is written by the umask, as any file the umask makes (it is public): a
     * peer instance under another user of the group lists it in VPSR_CHECKPOINT_TRUSTED_KEYS and must read it (ADR
     * 0022, amended in session 53). Before, it was 0600, and the peer's start failed reading it.
     */
    @Test
    void thePublicKeyFileBesideTheCheckpointsIsWrittenByTheUmask() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        CheckpointSigner signer = new CheckpointSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        Path checkpoints = dir.resolve("checkpoints");
        var properties = new PropertySourcePropertyResolver(PropertySource.of(Map.of(
                ChainCheckpointFactory.DIRECTORY, checkpoints.toString())));

        new ChainCheckpointFactory().chainCheckpoints(properties, signer);

        Path byTheUmask = Files.createFile(dir.resolve("by-the-umask"));
        assertThat(Files.getPosixFilePermissions(checkpoints.resolve("checkpoint-key-" + signer.keyId() + ".pub.pem")))
                .isEqualTo(Files.getPosixFilePermissions(byTheUmask));
    }

    /** A file where the checkpoints' directory should be: the refusal says what failed, not only the path twice. */
    @Test
    void aCheckpointDirectoryThatIsAFileIsRefusedWithItsCause() throws Exception {
        CheckpointSigner signer = new CheckpointSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        var properties = new PropertySourcePropertyResolver(PropertySource.of(Map.of(
                ChainCheckpointFactory.DIRECTORY, file.toString())));

        assertThatThrownBy(() -> new ChainCheckpointFactory().chainCheckpoints(properties, signer))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("FileAlreadyExistsException");
    }
}
