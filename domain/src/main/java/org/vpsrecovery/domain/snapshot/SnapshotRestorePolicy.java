package org.vpsrecovery.domain.snapshot;

import java.util.function.Supplier;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.Server;

/** Only a completed snapshot can be restored, only onto its own server, and not while that server is restoring. */
public final class SnapshotRestorePolicy {

    private SnapshotRestorePolicy() {
    }

    /** As told to no team in particular: a refusal by a restore holding the target names the window only. */
    public static Decision evaluate(Snapshot snapshot, Server target) {
        return evaluate(snapshot, target, target::restorability);
    }

    /** {@code asker}: the team restoring, told the holding restore's operation only if it asked that restore. */
    public static Decision evaluate(Snapshot snapshot, Server target, TeamId asker) {
        return evaluate(snapshot, target, () -> target.restorabilityFor(asker));
    }

    private static Decision evaluate(Snapshot snapshot, Server target, Supplier<Decision> targetRestorability) {
        if (!snapshot.server().id().equals(target.id())) {
            return Decision.deny(ReasonCode.SERVER_NOT_RESTORABLE,
                    "snapshot " + snapshot.id() + " belongs to server " + snapshot.server().id()
                            + ", not " + target.id());
        }
        if (!snapshot.isCompleted()) {
            return Decision.deny(ReasonCode.SNAPSHOT_NOT_COMPLETED,
                    "snapshot " + snapshot.id() + " is " + snapshot.status().label() + ", not completed");
        }
        return targetRestorability.get();
    }
}
