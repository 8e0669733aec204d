package org.vpsrecovery.application.snapshot;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** The provider's snapshots as one team may see them: only those of its own servers. */
public final class TeamSnapshots {

    private final SnapshotProvider snapshots;
    private final ServerOwnership ownership;

    public TeamSnapshots(SnapshotProvider snapshots, ServerOwnership ownership) {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
    }

    /** Another team's server lists as empty, exactly as a server with no snapshot would. */
    public List<Snapshot> list(TeamId team, Optional<ServerId> server) {
        Set<ServerId> owned = ownership.serversOf(team);
        if (owned.isEmpty() || server.filter(s -> !owned.contains(s)).isPresent()) {
            return List.of();
        }
        return snapshots.listSnapshots(server).stream().filter(s -> owned.contains(s.server().id())).toList();
    }

    /** Empty when the snapshot is missing or belongs to another team: the two are never told apart. */
    public Optional<Snapshot> find(TeamId team, SnapshotId id) {
        return list(team, Optional.empty()).stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** A fresh read of one server's snapshots, for decisions taken under that server's lock. */
    public Optional<Snapshot> findOnServer(ServerId server, SnapshotId id) {
        return snapshots.listSnapshots(Optional.of(server)).stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public static ResourceNotFound notFound(SnapshotId id) {
        return new ResourceNotFound(ReasonCode.SNAPSHOT_NOT_FOUND, "snapshot " + id + " not found");
    }
}
