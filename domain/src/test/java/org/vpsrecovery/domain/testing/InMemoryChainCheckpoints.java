package org.vpsrecovery.domain.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.StoredCheckpoint;
import org.vpsrecovery.domain.port.ChainCheckpoints;

/** Checkpoints kept in memory, for application tests and the port contract; its tests may tamper with them. */
public final class InMemoryChainCheckpoints implements ChainCheckpoints {

    private final List<StoredCheckpoint> entries = new ArrayList<>();

    @Override
    public synchronized Optional<ChainCheckpoint> append(
            Function<Optional<ChainCheckpoint>, Optional<ChainCheckpoint>> next) {
        Optional<ChainCheckpoint> latest = latest();
        Optional<ChainCheckpoint> made = next.apply(latest);
        made.ifPresent(checkpoint -> entries.add(new StoredCheckpoint.Readable(
                ChainCheckpoints.requireFollows(checkpoint, latest))));
        return made;
    }

    @Override
    public synchronized Optional<ChainCheckpoint> latest() {
        for (StoredCheckpoint entry : entries.reversed()) {
            if (entry instanceof StoredCheckpoint.Readable readable) {
                return Optional.of(readable.checkpoint());
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized Stream<StoredCheckpoint> readAll() {
        return List.copyOf(entries).stream();
    }

    /** For tests of forged witnesses: adds an entry as is, linked or not. */
    public synchronized void tamperAdd(StoredCheckpoint entry) {
        entries.add(entry);
    }

    /** For tests of forged witnesses: removes the entry at {@code index} (0 = first recorded). */
    public synchronized void tamperRemove(int index) {
        entries.remove(index);
    }

    /** For tests of forged witnesses: replaces the entry at {@code index} (0 = first recorded). */
    public synchronized void tamperReplace(int index, StoredCheckpoint replacement) {
        entries.set(index, replacement);
    }
}
