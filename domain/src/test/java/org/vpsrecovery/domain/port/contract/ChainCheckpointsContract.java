package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    /** Appends the checkpoint of {@code sequence} after whatever is stored; returns it. */
    protected static ChainCheckpoint append(ChainCheckpoints checkpoints, long sequence) {
        return checkpoints.append(latest -> Optional.of(SIGNER.sign(position(sequence), T0.plusSeconds(sequence),
                ChainCheckpoint.digestOf(latest)))).orElseThrow();
    }

    protected static ChainPosition position(long sequence) {
        return new ChainPosition(sequence, new ChainHash(String.format("%064x", sequence)));
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
    void givesBackWhatWasAppendedInOrderEachFollowingTheOneBefore() {
        ChainCheckpoints checkpoints = emptyCheckpoints();
        ChainCheckpoint first = append(checkpoints, 3);
        ChainCheckpoint second = append(checkpoints, 9);
        ChainCheckpoint third = append(checkpoints, 7);

        assertThat(all(checkpoints)).containsExactly(new StoredCheckpoint.Readable(first),
                new StoredCheckpoint.Readable(second), new StoredCheckpoint.Readable(third));
        assertThat(first.previous()).isEqualTo(ChainHash.GENESIS);
        assertThat(third.previous()).isEqualTo(second.digest());
        assertThat(checkpoints.latest()).contains(third);
    }

    @Test
    void appendsNothingWhenDeclinedAndRefusesACheckpointThatDoesNotFollowTheLatest() {
        ChainCheckpoints checkpoints = emptyCheckpoints();
        ChainCheckpoint first = append(checkpoints, 3);
        List<Optional<ChainCheckpoint>> offered = new ArrayList<>();

        assertThat(checkpoints.append(latest -> {
            offered.add(latest);
            return Optional.empty();
        })).isEmpty();
        assertThatThrownBy(() -> checkpoints.append(latest -> Optional.of(SIGNER.sign(position(4), T0,
                ChainHash.GENESIS)))).isInstanceOf(IllegalArgumentException.class);

        assertThat(offered).containsExactly(Optional.of(first));
        assertThat(all(checkpoints)).containsExactly(new StoredCheckpoint.Readable(first));
    }
}
