package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Factory;
import io.micronaut.core.type.Argument;
import io.micronaut.core.value.PropertyResolver;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.vpsrecovery.adapters.persistence.checkpoint.FileChainCheckpoints;
import org.vpsrecovery.adapters.persistence.localfile.OwnerOnly;
import org.vpsrecovery.application.audit.RecordChainCheckpointService;
import org.vpsrecovery.application.audit.SetAsideCheckpoints;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.audit.CheckpointSigner;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.ChainCheckpoints;
import org.vpsrecovery.domain.port.ChainPositions;

/**
 * The audit chain's signed checkpoints (ADR 0022): the signing key, the keys whose checkpoints are
 * believed, and the file outside the database they are kept in. Set from the environment by
 * {@link Deployment}; without it, under {@code ~/.vps-recovery}.
 */
@Factory
public class ChainCheckpointFactory {

    static final String DATA_DIRECTORY = "vpsr.data-directory";
    static final String DIRECTORY = "vpsr.audit.checkpoint.directory";
    static final String SIGNING_KEY_FILE = "vpsr.audit.checkpoint.signing-key-file";
    static final String TRUSTED_PUBLIC_KEYS = "vpsr.audit.checkpoint.trusted-public-keys";
    /** The checkpoint file set aside after the platform's database went back (ADR 0022, amended in session 51). */
    static final String SUPERSEDED_CHECKPOINTS = "vpsr.audit.superseded-checkpoints";
    /** Where a signing key is generated when none is configured, in the data directory. */
    static final String GENERATED_KEY_FILE = "checkpoint-signing-key.pem";

    @Singleton
    CheckpointSigner checkpointSigner(PropertyResolver properties) {
        Optional<String> configured = properties.get(SIGNING_KEY_FILE, String.class);
        return new CheckpointSigner(configured.isPresent()
                ? CheckpointKeyFiles.readPrivateKey(Path.of(configured.get()), "VPSR_CHECKPOINT_KEY_FILE")
                : CheckpointKeyFiles.readOrGenerate(dataDirectory(properties).resolve(GENERATED_KEY_FILE),
                        "VPSR_DATA_DIR"));
    }

    @Singleton
    CheckpointKeys trustedCheckpointKeys(CheckpointSigner signer, PropertyResolver properties) {
        List<PublicKey> keys = new ArrayList<>();
        keys.add(signer.publicKey());
        // Micronaut converts a comma-separated value (an environment variable) or a YAML list alike.
        properties.get(TRUSTED_PUBLIC_KEYS, Argument.listOf(String.class)).ifPresent(list -> list.stream()
                .map(String::strip).filter(file -> !file.isEmpty())
                .forEach(file -> keys.add(CheckpointKeyFiles.readPublicKey(Path.of(file), "VPSR_CHECKPOINT_TRUSTED_KEYS"))));
        return CheckpointKeys.of(keys);
    }

    /** Also leaves the signer's public key beside the checkpoints, for auditors who check them elsewhere. */
    @Singleton
    FileChainCheckpoints chainCheckpoints(PropertyResolver properties, CheckpointSigner signer) {
        Path directory = checkpointDirectory(properties);
        Path publicKey = directory.resolve("checkpoint-key-" + signer.keyId() + ".pub.pem");
        try {
            // Closed to others, as the checkpoints in it; the group's left to it (ADR 0022, amended in session 53).
            Files.createDirectories(directory, OwnerOnly.groupFolder(directory));
            byte[] pem = CheckpointKeyFiles.publicKeyPem(signer.publicKey()).getBytes(StandardCharsets.US_ASCII);
            // Written again when it is not this key's PEM (left empty or torn by a crash, a full disk), and whole: a
            // file beside it moved into place, so no crash leaves it torn again (ADR 0141, session 46).
            if (!Files.isRegularFile(publicKey) || !Arrays.equals(Files.readAllBytes(publicKey), pem)) {
                Path next = directory.resolve(publicKey.getFileName() + "." + UUID.randomUUID() + ".tmp");
                try {
                    // By the umask: it is public, and a peer instance listing it must read it.
                    Files.write(next, pem, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                            StandardOpenOption.SYNC);
                    Files.move(next, publicKey, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(next);
                }
            }
        } catch (IOException e) {
            // toString: the message of a FileAlreadyExistsException, say, is only the path, not what went wrong.
            throw new StartupRefused("VPSR_CHECKPOINT_DIR: cannot write in " + directory + ": " + e);
        }
        return new FileChainCheckpoints(directory);
    }

    @Singleton
    RecordChainCheckpointService recordChainCheckpoint(AuditHistory history, ChainPositions positions,
                                                       ChainCheckpoints checkpoints, CheckpointSigner signer,
                                                       CheckpointKeys trusted, Clock clock, PropertyResolver properties) {
        return new RecordChainCheckpointService(history, positions, checkpoints, signer, trusted, clock,
                properties.get(SUPERSEDED_CHECKPOINTS, String.class).map(Path::of).map(file -> setAside(file, trusted)));
    }

    /** A file that is not a checkpoint file this platform signed is refused at the start, not linked to. */
    private static SetAsideCheckpoints setAside(Path file, CheckpointKeys trusted) {
        try {
            return SetAsideCheckpoints.of(FileChainCheckpoints.ofFile(file), trusted);
        } catch (IllegalArgumentException e) {
            throw new StartupRefused("VPSR_AUDIT_SUPERSEDED_CHECKPOINTS: " + file + " " + e.getMessage());
        }
    }

    static Path dataDirectory(PropertyResolver properties) {
        return Path.of(properties.get(DATA_DIRECTORY, String.class)
                .orElse(System.getProperty("user.home") + "/.vps-recovery"));
    }

    static Path checkpointDirectory(PropertyResolver properties) {
        return properties.get(DIRECTORY, String.class).map(Path::of)
                .orElse(dataDirectory(properties).resolve("checkpoints"));
    }
}
