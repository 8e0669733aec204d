package org.vpsrecovery.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ChainCheckpointTest {

    private static final ChainHash HASH = new ChainHash("ab".repeat(32));
    private static final Instant AT = Instant.parse("2026-03-01T08:00:00.123Z");

    @Test
    void theSignatureCoversAFixedTextOfEveryField() throws Exception {
        CheckpointSigner signer = CheckpointCheckTest.newSigner();
        ChainHash previous = new ChainHash("cd".repeat(32));
        ChainCheckpoint checkpoint = signer.sign(new ChainPosition(42, HASH), AT, previous);

        assertThat(new String(checkpoint.signedBytes(), StandardCharsets.US_ASCII)).isEqualTo(
                "vpsr-checkpoint-v1\n42\n" + HASH.hex() + "\n2026-03-01T08:00:00.123Z\n" + signer.keyId() + "\n"
                        + previous.hex() + "\n");
        CheckpointKeys trusted = CheckpointKeys.of(List.of(signer.publicKey()));
        assertThat(trusted.verifies(checkpoint)).isTrue();
        for (ChainCheckpoint edited : List.of(
                new ChainCheckpoint(43, HASH, AT, signer.keyId(), previous, checkpoint.signature()),
                new ChainCheckpoint(42, ChainHash.GENESIS, AT, signer.keyId(), previous, checkpoint.signature()),
                new ChainCheckpoint(42, HASH, AT.plusMillis(1), signer.keyId(), previous, checkpoint.signature()),
                new ChainCheckpoint(42, HASH, AT, signer.keyId(), ChainHash.GENESIS, checkpoint.signature()))) {
            assertThat(trusted.verifies(edited)).as(edited.toString()).isFalse();
        }
    }

    @Test
    void aWalkedCheckpointSignsWhereItsWalkStartedAsWell() {
        CheckpointSigner signer = CheckpointCheckTest.newSigner();
        ChainHash previous = new ChainHash("cd".repeat(32));
        ChainCheckpoint walked = signer.signWalked(new ChainPosition(42, HASH), AT, previous, 17);

        assertThat(walked.format()).isEqualTo("vpsr-checkpoint-v2");
        assertThat(walked.walkedAfter()).hasValue(17);
        assertThat(new String(walked.signedBytes(), StandardCharsets.US_ASCII)).isEqualTo(
                "vpsr-checkpoint-v2\n42\n" + HASH.hex() + "\n2026-03-01T08:00:00.123Z\n" + signer.keyId() + "\n"
                        + previous.hex() + "\n17\n");
        CheckpointKeys trusted = CheckpointKeys.of(List.of(signer.publicKey()));
        assertThat(trusted.verifies(walked)).isTrue();
        for (ChainCheckpoint edited : List.of(
                new ChainCheckpoint(42, HASH, AT, signer.keyId(), previous, OptionalLong.of(0), walked.signature()),
                new ChainCheckpoint(42, HASH, AT, signer.keyId(), previous, walked.signature()))) {
            assertThat(trusted.verifies(edited)).as("a walk claimed where none was signed: " + edited).isFalse();
        }
        assertThat(signer.sign(new ChainPosition(42, HASH), AT, previous).format()).isEqualTo("vpsr-checkpoint-v1");
    }

    @Test
    void aWalkEndsAtItsCheckpoint() {
        for (long after : new long[] {-1, 42, 43}) {
            assertThatThrownBy(() -> new ChainCheckpoint(42, HASH, AT, "0123456789abcdef", ChainHash.GENESIS,
                    OptionalLong.of(after), new byte[ChainCheckpoint.SIGNATURE_BYTES]))
                    .as("walked after " + after).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theDigestThatTheNextCheckpointLinksToCoversTheSignatureToo() {
        CheckpointSigner signer = CheckpointCheckTest.newSigner();
        ChainCheckpoint checkpoint = signer.sign(new ChainPosition(42, HASH), AT, ChainHash.GENESIS);
        byte[] otherSignature = checkpoint.signature();
        otherSignature[0] ^= 1;

        assertThat(ChainCheckpoint.digestOf(Optional.empty())).isEqualTo(ChainHash.GENESIS);
        assertThat(ChainCheckpoint.digestOf(Optional.of(checkpoint))).isEqualTo(checkpoint.digest());
        assertThat(new ChainCheckpoint(42, HASH, AT, signer.keyId(), ChainHash.GENESIS, otherSignature).digest())
                .isNotEqualTo(checkpoint.digest());
    }

    @Test
    void keepsItsOwnCopyOfTheSignature() {
        byte[] signature = new byte[ChainCheckpoint.SIGNATURE_BYTES];
        ChainCheckpoint checkpoint = new ChainCheckpoint(1, HASH, AT, "0123456789abcdef", ChainHash.GENESIS, signature);
        signature[0] = 1;
        checkpoint.signature()[1] = 1;

        assertThat(checkpoint.signature()).containsOnly(0);
        assertThat(checkpoint).isEqualTo(new ChainCheckpoint(1, HASH, AT, "0123456789abcdef",
                ChainHash.GENESIS, new byte[ChainCheckpoint.SIGNATURE_BYTES]));
    }

    @Test
    void refusesWhatCannotBeACheckpoint() {
        byte[] signature = new byte[ChainCheckpoint.SIGNATURE_BYTES];
        assertThatThrownBy(() -> new ChainCheckpoint(0, HASH, AT, "0123456789abcdef", ChainHash.GENESIS, signature))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChainCheckpoint(1, HASH, AT, "0123456789ABCDEF", ChainHash.GENESIS, signature))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChainCheckpoint(1, HASH, AT, "0123456789abcdef", ChainHash.GENESIS, new byte[63]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSignerNeverShowsItsPrivateKeyAndRefusesAMismatchedPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        KeyPair one = generator.generateKeyPair();
        KeyPair other = generator.generateKeyPair();
        CheckpointSigner signer = new CheckpointSigner(one);

        assertThat(signer.toString()).isEqualTo("CheckpointSigner[keyId=" + signer.keyId() + "]");
        assertThatThrownBy(() -> new CheckpointSigner(new KeyPair(one.getPublic(), other.getPrivate())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the checkpoint private key does not match its public key");
    }

    @Test
    void onlyEd25519KeysAreTrusted() throws Exception {
        KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();

        assertThatThrownBy(() -> CheckpointKeys.of(List.of(ed448.getPublic())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CheckpointKeys.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
