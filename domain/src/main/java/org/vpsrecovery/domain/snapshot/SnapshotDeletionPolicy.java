package org.vpsrecovery.domain.snapshot;

import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.server.Server;

/**
 * A snapshot still being written is not deleted (the provider's outcome would be undefined), nor
 * any snapshot of a server being restored (it may be the one the restore reads from).
 */
public final class SnapshotDeletionPolicy {

    private SnapshotDeletionPolicy() {
    }

    public static Decision evaluate(Snapshot snapshot, Server server) {
        if (snapshot.isInProgress()) {
            return Decision.deny(ReasonCode.SNAPSHOT_IN_PROGRESS,
                    "snapshot " + snapshot.id() + " is still being created");
        }
        if (server.isRestoring()) {
            return Decision.deny(ReasonCode.SERVER_RESTORING,
                    "server " + server.id() + " is being restored; its snapshots are kept until it is done");
        }
        return Decision.allow();
    }
}
