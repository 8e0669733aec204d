package org.vpsrecovery.application.snapshot;

import java.util.List;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.snapshot.Snapshot;

public final class ListSnapshotsService implements ListSnapshotsUseCase {

    private final TeamSnapshots snapshots;

    public ListSnapshotsService(SnapshotProvider snapshots, ServerOwnership ownership) {
        this.snapshots = new TeamSnapshots(snapshots, ownership);
    }

    @Override
    public List<Snapshot> listSnapshots(ListSnapshotsQuery query) {
        return snapshots.list(query.context().team(), query.server());
    }
}
