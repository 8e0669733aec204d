package org.vpsrecovery.application.recoverypoint;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import org.vpsrecovery.application.snapshot.TeamSnapshots;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
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

/** Snapshots as recovery points: restored onto their own server only. */
public final class SnapshotPoints implements RecoveryPoints<SnapshotId, Snapshot> {

    private final SnapshotProvider provider;
    private final TeamSnapshots snapshots;

    public SnapshotPoints(SnapshotProvider provider, ServerOwnership ownership) {
        this.provider = provider;
        this.snapshots = new TeamSnapshots(provider, ownership);
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
    public Optional<Snapshot> find(TeamId team, SnapshotId id) {
        return snapshots.find(team, id);
    }

    @Override
    public Optional<Snapshot> findOnServer(ServerId server, SnapshotId id) {
        return snapshots.findOnServer(server, id);
    }

    @Override
    public ResourceNotFound notFound(SnapshotId id) {
        return TeamSnapshots.notFound(id);
    }

    @Override
    public Class<?> deletionPolicy() {
        return SnapshotDeletionPolicy.class;
    }

    @Override
    public Decision deletable(Snapshot point, Server server, Collection<RestoreHold> restoreHolds) {
        return SnapshotDeletionPolicy.evaluate(point, server, restoreHolds);
    }

    @Override
    public Class<?> restorePolicy() {
        return SnapshotRestorePolicy.class;
    }

    @Override
    public Decision restorable(Snapshot point, Server target, Instant now) {
        return SnapshotRestorePolicy.evaluate(point, target);
    }

    @Override
    public void delete(SnapshotId id) {
        provider.deleteSnapshot(id);
    }

    @Override
    public RestoreStarted restore(ServerId target, SnapshotId id) {
        return provider.restoreSnapshot(id);
    }
}
