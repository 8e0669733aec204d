package org.vpsrecovery.application.audit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.CheckpointCheck;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.audit.StoredCheckpoint;
import org.vpsrecovery.domain.port.ChainCheckpoints;
import org.vpsrecovery.domain.port.ChainPositions;

/** Every stored checkpoint compared with the hash stored at its sequence, in lookups of bounded size. */
final class StoredCheckpointsReading {

    private StoredCheckpointsReading() {
    }

    static CheckpointCheck checkAll(ChainCheckpoints checkpoints, ChainPositions positions, CheckpointKeys trusted) {
        CheckpointCheck check = new CheckpointCheck(trusted);
        // Each stored hash is read after its checkpoint, so an event appended since a checkpoint was
        // taken is never mistaken for a truncation, whenever the walk's snapshot was taken.
        try (Stream<StoredCheckpoint> entries = checkpoints.readAll()) {
            Iterator<StoredCheckpoint> iterator = entries.iterator();
            List<StoredCheckpoint> batch = new ArrayList<>(ChainPositions.MAX_LOOKUP);
            while (iterator.hasNext()) {
                batch.add(iterator.next());
                if (batch.size() == ChainPositions.MAX_LOOKUP) {
                    checkBatch(check, positions, batch);
                    batch.clear();
                }
            }
            checkBatch(check, positions, batch);
        }
        return check;
    }

    private static void checkBatch(CheckpointCheck check, ChainPositions positions, List<StoredCheckpoint> batch) {
        List<Long> sequences = batch.stream()
                .filter(StoredCheckpoint.Readable.class::isInstance)
                .map(entry -> ((StoredCheckpoint.Readable) entry).checkpoint().sequence())
                .distinct()
                .toList();
        Map<Long, ChainHash> stored = sequences.isEmpty() ? Map.of() : positions.hashesAt(sequences);
        for (StoredCheckpoint entry : batch) {
            Optional<ChainHash> hash = entry instanceof StoredCheckpoint.Readable readable
                    ? Optional.ofNullable(stored.get(readable.checkpoint().sequence()))
                    : Optional.empty();
            check.check(entry, hash);
        }
    }
}
