package org.vpsrecovery.application.snapshot;

import java.util.List;
import org.vpsrecovery.domain.snapshot.Snapshot;

/** The team's snapshots, optionally of one server; another team's server lists as empty, as a missing one would. */
public interface ListSnapshotsUseCase {

    List<Snapshot> listSnapshots(ListSnapshotsQuery query);
}
