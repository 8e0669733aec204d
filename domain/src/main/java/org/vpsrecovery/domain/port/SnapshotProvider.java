package org.vpsrecovery.domain.port;

import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** The provider's snapshot operations. Every method may throw {@link ProviderFailure}. */
public interface SnapshotProvider {

    /** All snapshots of the platform's account, or of one server. */
    List<Snapshot> listSnapshots(Optional<ServerId> server);

    /** Starts a snapshot; the answer is normally in progress. Never retried blindly. */
    Snapshot createSnapshot(SnapshotDraft draft);

    RestoreStarted restoreSnapshot(SnapshotId snapshot);

    void deleteSnapshot(SnapshotId snapshot);
}
