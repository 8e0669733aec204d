package org.vpsrecovery.application.audit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.ChainCut;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.audit.StoredCheckpoint;
import org.vpsrecovery.domain.port.ChainCheckpoints;
import org.vpsrecovery.domain.port.ChainPositions;

/**
 * The checkpoint file an operator set aside after the platform's database went back, named at the restart: the first
 * checkpoint signed then names its last checkpoint ({@link ChainCut}, ADR 0022, amended in session 51), so that
 * verification says the chain was cut there instead of a new chain beginning as if nothing came before it.
 */
public final class SetAsideCheckpoints {

    private final ChainCheckpoints store;
    private final ChainCheckpoint last;

    private SetAsideCheckpoints(ChainCheckpoints store, ChainCheckpoint last) {
        this.store = store;
        this.last = last;
    }

    /**
     * The set-aside file, once its last entry reads as a checkpoint signed by a trusted key.
     *
     * @throws IllegalArgumentException saying why it is not a checkpoint file this platform signed
     */
    public static SetAsideCheckpoints of(ChainCheckpoints store, CheckpointKeys trusted) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(trusted, "trusted keys");
        StoredCheckpoint lastEntry = null;
        try (Stream<StoredCheckpoint> entries = store.readAll()) {
            for (Iterator<StoredCheckpoint> it = entries.iterator(); it.hasNext(); ) {
                lastEntry = it.next();
            }
        }
        if (lastEntry == null) {
            throw new IllegalArgumentException("holds no checkpoint");
        }
        if (!(lastEntry instanceof StoredCheckpoint.Readable readable)) {
            throw new IllegalArgumentException("its last entry does not read as a checkpoint: "
                    + ((StoredCheckpoint.Unreadable) lastEntry).reason());
        }
        if (!trusted.verifies(readable.checkpoint())) {
            throw new IllegalArgumentException("its last checkpoint is not signed by a trusted checkpoint key");
        }
        return new SetAsideCheckpoints(store, readable.checkpoint());
    }

    public ChainCheckpoint last() {
        return last;
    }

    /** The cut against the chain as stored now: the last of the set-aside checkpoints it still holds, one after the other. */
    ChainCut cutAgainst(ChainPositions positions) {
        List<ChainCheckpoint> held = new ArrayList<>(1);
        try (Stream<StoredCheckpoint> entries = store.readAll()) {
            Iterator<StoredCheckpoint> iterator = entries.iterator();
            List<ChainCheckpoint> batch = new ArrayList<>(ChainPositions.MAX_LOOKUP);
            boolean holding = true;
            while (holding && iterator.hasNext()) {
                // What follows a damaged entry is not vouched for.
                boolean readable = iterator.next() instanceof StoredCheckpoint.Readable entry && batch.add(entry.checkpoint());
                if (!readable || batch.size() == ChainPositions.MAX_LOOKUP || !iterator.hasNext()) {
                    holding = allHeld(batch, positions, held) && readable;
                    batch.clear();
                }
            }
        }
        return ChainCut.of(last, held.isEmpty() ? Optional.empty() : Optional.of(held.getFirst()));
    }

    /** Notes in {@code held} the last of {@code batch} the chain holds, up to the first it does not. */
    private static boolean allHeld(List<ChainCheckpoint> batch, ChainPositions positions, List<ChainCheckpoint> held) {
        if (batch.isEmpty()) {
            return true;
        }
        Map<Long, ChainHash> stored = positions.hashesAt(batch.stream().map(ChainCheckpoint::sequence).distinct().toList());
        for (ChainCheckpoint checkpoint : batch) {
            if (!checkpoint.hash().equals(stored.get(checkpoint.sequence()))) {
                return false;
            }
            held.clear();
            held.add(checkpoint);
        }
        return true;
    }
}
