package org.vpsrecovery.application.snapshot;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.vpsrecovery.application.recoverypoint.kind.RecoveryPoints;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.RestoreHold;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDeletionPolicy;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotRestorePolicy;

/**
 * The provider's snapshots as one team may see them: only those of its own servers; and, as recovery
 * points, what the deletes, the restores and their plans need to know of a snapshot.
 */
public final class TeamSnapshots implements ListSnapshotsUseCase, RecoveryPoints<SnapshotId, Snapshot> {

    private final SnapshotProvider snapshots;
    private final ServerOwnership ownership;

    public TeamSnapshots(SnapshotProvider snapshots, ServerOwnership ownership) {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
    }

    private List<Snapshot> list(TeamId team, Optional<ServerId> server) {
        Set<ServerId> owned = ownership.serversOf(team);
        if (listsNothing(owned, server)) {
            return List.of();
        }
        return ownedOnly(snapshots.listSnapshots(server), owned);
    }

    private static boolean listsNothing(Set<ServerId> owned, Optional<ServerId> server) {
        return owned.isEmpty() || server.filter(s -> !owned.contains(s)).isPresent();
    }

    private static List<Snapshot> ownedOnly(List<Snapshot> listed, Set<ServerId> owned) {
        return listed.stream().filter(s -> owned.contains(s.server().id())).toList();
    }

    /** Another team's server lists as empty, exactly as a server with no snapshot would. */
    @Override
    public List<Snapshot> listSnapshots(ListSnapshotsQuery query) {
        return list(query.team(), query.server());
    }

    /**
     * The same list and filter without a waiting thread. The ownership is read on the calling thread: the configured
     * teams, in memory (an ownership that had to wait would have to be read on {@code blocking} first).
     */
    @Override
    public CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(ListSnapshotsQuery query, Executor blocking) {
        Set<ServerId> owned = ownership.serversOf(query.team());
        if (listsNothing(owned, query.server())) {
            return CompletableFuture.completedFuture(List.of());
        }
        return snapshots.listSnapshotsWhenAnswered(query.server(), blocking).thenApply(listed -> ownedOnly(listed, owned));
    }

    /**
     * Empty when the snapshot is missing or belongs to another team: the two are never told apart. Missing from the
     * account's list, it is looked for again in that list read consistently: a list joined from pages may leave out a
     * snapshot that is there, and a 404 (a refused delete or restore) would then be false (ADR 0010).
     */
    @Override
    public Optional<Snapshot> find(TeamId team, SnapshotId id) {
        return find(team, id, ConsistentListBound.oneDeadlineForARequest());
    }

    @Override
    public Optional<Snapshot> find(TeamId team, SnapshotId id, ConsistentListBound bound) {
        Set<ServerId> owned = ownership.serversOf(team);
        if (owned.isEmpty()) {
            return Optional.empty();
        }
        return ownedOne(snapshots.listSnapshots(Optional.empty()), owned, id)
                .or(() -> ownedOne(snapshots.listSnapshotsConsistently(Optional.empty(), bound), owned, id));
    }

    private static Optional<Snapshot> ownedOne(List<Snapshot> listed, Set<ServerId> owned, SnapshotId id) {
        return listed.stream().filter(s -> s.id().equals(id) && owned.contains(s.server().id())).findFirst();
    }

    /** A fresh read of one server's snapshots, for decisions taken under that server's lock; missing, read consistently. */
    @Override
    public Optional<Snapshot> findOnServer(ServerId server, SnapshotId id, ConsistentListBound bound) {
        return one(snapshots.listSnapshots(Optional.of(server)), id)
                .or(() -> one(snapshots.listSnapshotsConsistently(Optional.of(server), bound), id));
    }

    private static Optional<Snapshot> one(List<Snapshot> listed, SnapshotId id) {
        return listed.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    @Override
    public ResourceNotFound notFound(SnapshotId id) {
        return new ResourceNotFound(ReasonCode.SNAPSHOT_NOT_FOUND, "snapshot " + id + " not found");
    }

    @Override
    public Operation deleteOperation() {
        return Operation.DELETE_SNAPSHOT;
    }

    @Override
    public Operation restoreOperation() {
        return Operation.RESTORE_SNAPSHOT;
    }

    @Override
    public ResourceRef ref(SnapshotId id) {
        return ResourceRef.of(id);
    }

    @Override
    public SnapshotId idOf(Snapshot point) {
        return point.id();
    }

    @Override
    public ServerRef serverOf(Snapshot point) {
        return point.server();
    }

    @Override
    public CreationStatus statusOf(Snapshot point) {
        return point.status();
    }

    @Override
    public Class<?> deletionPolicy() {
        return SnapshotDeletionPolicy.class;
    }

    @Override
    public Decision deletable(Snapshot point, Server server, Collection<RestoreHold> restoreHolds, TeamId asker) {
        return SnapshotDeletionPolicy.evaluate(point, server, restoreHolds, asker);
    }

    @Override
    public Class<?> restorePolicy() {
        return SnapshotRestorePolicy.class;
    }

    @Override
    public Decision restorable(Snapshot point, Server target, Instant now, TeamId asker) {
        return SnapshotRestorePolicy.evaluate(point, target, asker);
    }

    @Override
    public void delete(SnapshotId id) {
        snapshots.deleteSnapshot(id);
    }

    @Override
    public RestoreStarted restore(ServerId target, SnapshotId id) {
        return snapshots.restoreSnapshot(id, target);
    }
}
