package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainPosition;
import org.vpsrecovery.domain.audit.CheckpointSigner;
import org.vpsrecovery.domain.audit.StoredCheckpoint;
import org.vpsrecovery.domain.port.ChainCheckpoints;

/** What every {@link ChainCheckpoints} must do; {@link #emptyCheckpoints()} gives a fresh, empty store. */
public abstract class ChainCheckpointsContract {

    protected static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    protected static final CheckpointSigner SIGNER = signer();

    protected abstract ChainCheckpoints emptyCheckpoints();

    protected static CheckpointSigner signer() {
        try {
            return new CheckpointSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static ChainCheckpoint checkpoint(long sequence) {
        return SIGNER.sign(new ChainPosition(sequence, new ChainHash(String.format("%064x", sequence))),
                T0.plusSeconds(sequence));
    }

    protected static List<StoredCheckpoint> all(ChainCheckpoints checkpoints) {
        try (Stream<StoredCheckpoint> entries = checkpoints.readAll()) {
            return entries.toList();
        }
    }

    @Test
    void anEmptyStoreHasNoCheckpoint() {
        ChainCheckpoints checkpoints = emptyCheckpoints();

        assertThat(checkpoints.latest()).isEmpty();
        assertThat(all(checkpoints)).isEmpty();
    }

    @Test
    void givesBackWhatWasRecordedInOrderAndTheLastAsLatest() {
        ChainCheckpoints checkpoints = emptyCheckpoints();
        List<ChainCheckpoint> recorded = List.of(checkpoint(3), checkpoint(9), checkpoint(7));
        recorded.forEach(checkpoints::record);

        assertThat(all(checkpoints)).containsExactly(new StoredCheckpoint.Readable(checkpoint(3)),
                new StoredCheckpoint.Readable(checkpoint(9)), new StoredCheckpoint.Readable(checkpoint(7)));
        assertThat(checkpoints.latest()).contains(checkpoint(7));
    }
}
