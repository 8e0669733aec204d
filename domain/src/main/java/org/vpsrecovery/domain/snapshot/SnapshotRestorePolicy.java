package org.vpsrecovery.domain.snapshot;

import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.server.Server;

/** Only a completed snapshot can be restored, only onto its own server, and not while that server is restoring. */
public final class SnapshotRestorePolicy {

    private SnapshotRestorePolicy() {
    }

    public static Decision evaluate(Snapshot snapshot, Server target) {
        if (!snapshot.server().id().equals(target.id())) {
            return Decision.deny(ReasonCode.SERVER_NOT_RESTORABLE,
                    "snapshot " + snapshot.id() + " belongs to server " + snapshot.server().id()
                            + ", not " + target.id());
        }
        if (!snapshot.isCompleted()) {
            return Decision.deny(ReasonCode.SNAPSHOT_NOT_COMPLETED,
                    "snapshot " + snapshot.id() + " is " + snapshot.status().label() + ", not completed");
        }
        return target.restorability();
    }
}
