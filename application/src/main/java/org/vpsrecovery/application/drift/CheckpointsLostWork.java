package org.vpsrecovery.application.drift;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.StoredCheckpoint;
import org.vpsrecovery.domain.drift.LostWork;
import org.vpsrecovery.domain.port.ChainCheckpoints;

/**
 * The platform's lost work as the checkpoints state it: only the first checkpoint of a file names a cut (ADR 0022,
 * amended in session 51), from the last checkpoint the restored chain held (the beginning when none) to when that first
 * checkpoint was signed. Read until the file has a first checkpoint, then kept: it never changes after.
 */
public final class CheckpointsLostWork implements Supplier<Optional<LostWork>> {

    private final ChainCheckpoints checkpoints;
    private volatile Optional<Optional<LostWork>> known = Optional.empty();

    public CheckpointsLostWork(ChainCheckpoints checkpoints) {
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    }

    @Override
    public Optional<LostWork> get() {
        Optional<Optional<LostWork>> kept = known;
        if (kept.isPresent()) {
            return kept.get();
        }
        Optional<StoredCheckpoint> first;
        try (Stream<StoredCheckpoint> all = checkpoints.readAll()) {
            first = all.findFirst();
        }
        if (first.isEmpty()) {
            return Optional.empty(); // none signed yet: looked at again next time
        }
        Optional<LostWork> lost = first.filter(StoredCheckpoint.Readable.class::isInstance)
                .map(entry -> ((StoredCheckpoint.Readable) entry).checkpoint())
                .flatMap(CheckpointsLostWork::lostWork);
        known = Optional.of(lost);
        return lost;
    }

    static Optional<LostWork> lostWork(ChainCheckpoint first) {
        return first.cut().map(cut -> new LostWork(cut.heldThroughTakenAt().orElse(Instant.EPOCH), first.takenAt()));
    }
}
