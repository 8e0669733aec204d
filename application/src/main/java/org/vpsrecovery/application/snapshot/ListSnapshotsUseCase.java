package org.vpsrecovery.application.snapshot;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** The team's snapshots, optionally of one server; another team's server lists as empty, as a missing one would. */
public interface ListSnapshotsUseCase {

    List<Snapshot> listSnapshots(ListSnapshotsQuery query);

    /**
     * One of the team's snapshots by id; empty when it is missing or another team's (the two are never told apart).
     * Empty only as a list read consistently shows it: never for one a list joined from pages left out (ADR 0010).
     */
    Optional<Snapshot> find(TeamId team, SnapshotId id);

    /**
     * The same list without waiting on the calling thread (an event loop): whatever has to wait runs on
     * {@code blocking}. Fails as {@link #listSnapshots} throws (the failure possibly wrapped in a
     * {@link java.util.concurrent.CompletionException}).
     */
    CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(ListSnapshotsQuery query, Executor blocking);
}
