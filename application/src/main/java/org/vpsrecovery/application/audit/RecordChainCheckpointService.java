package org.vpsrecovery.application.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.ChainPosition;
import org.vpsrecovery.domain.audit.CheckpointSigner;
import org.vpsrecovery.domain.port.ChainCheckpoints;
import org.vpsrecovery.domain.port.ChainPositions;

/**
 * Signs the chain head as stored and keeps it outside the database when it moved since the last
 * checkpoint. Run periodically by every instance: each is a witness of its own.
 */
public final class RecordChainCheckpointService {

    /** One round: the head seen, the checkpoint before it, and the one recorded now if the head moved. */
    public record Round(ChainPosition head, Optional<ChainCheckpoint> previous, Optional<ChainCheckpoint> recorded) {
        public Round {
            Objects.requireNonNull(head, "head");
            Objects.requireNonNull(previous, "previous");
            Objects.requireNonNull(recorded, "recorded");
        }

        /** The head is now below a checkpoint already taken: someone cut the chain back (verify will say so). */
        public boolean headMovedBack() {
            return previous.isPresent() && head.sequence() < previous.get().sequence();
        }
    }

    private final ChainPositions positions;
    private final ChainCheckpoints checkpoints;
    private final CheckpointSigner signer;
    private final Clock clock;

    public RecordChainCheckpointService(ChainPositions positions, ChainCheckpoints checkpoints, CheckpointSigner signer,
                                        Clock clock) {
        this.positions = Objects.requireNonNull(positions, "positions");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Round recordIfMoved() {
        ChainPosition head = positions.head();
        List<Optional<ChainCheckpoint>> seen = new ArrayList<>(1);
        // Decided and signed while the store holds its append lock, after the latest checkpoint.
        Optional<ChainCheckpoint> recorded = checkpoints.append(latest -> {
            seen.add(latest);
            boolean unchanged = latest.map(p -> p.position().equals(head)).orElse(false);
            if (head.isEmpty() || unchanged) {
                return Optional.empty();
            }
            return Optional.of(signer.sign(head, clock.instant(), ChainCheckpoint.digestOf(latest)));
        });
        return new Round(head, seen.getFirst(), recorded);
    }
}
