package org.vpsrecovery.application.snapshot;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.vpsrecovery.domain.snapshot.Snapshot;

/** The team's snapshots, optionally of one server; another team's server lists as empty, as a missing one would. */
public interface ListSnapshotsUseCase {

    List<Snapshot> listSnapshots(ListSnapshotsQuery query);

    /**
     * The same list without waiting on the calling thread (an event loop): whatever has to wait runs on
     * {@code blocking}. Fails as {@link #listSnapshots} throws (the failure possibly wrapped in a
     * {@link java.util.concurrent.CompletionException}).
     */
    CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(ListSnapshotsQuery query, Executor blocking);
}
