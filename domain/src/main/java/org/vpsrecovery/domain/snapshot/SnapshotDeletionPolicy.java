package org.vpsrecovery.domain.snapshot;

import java.util.Collection;
import java.util.function.Supplier;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.RecoveryPointInUsePolicy;
import org.vpsrecovery.domain.server.RecoverySource;
import org.vpsrecovery.domain.server.RestoreHold;
import org.vpsrecovery.domain.server.Server;

/**
 * A snapshot still being written is not deleted (the provider's outcome would be undefined), nor
 * any snapshot of a server being restored (it may be the one the restore reads from).
 */
public final class SnapshotDeletionPolicy {

    private SnapshotDeletionPolicy() {
    }

    public static Decision evaluate(Snapshot snapshot, Server server) {
        return evaluate(snapshot, server, Decision::allow);
    }

    /**
     * {@code holds}: the restore holds in force on any server; the one reading this snapshot keeps it
     * ({@link RecoveryPointInUsePolicy}, which tells {@code asker}, the team deleting, only what is its own).
     */
    public static Decision evaluate(Snapshot snapshot, Server server, Collection<RestoreHold> holds, TeamId asker) {
        return evaluate(snapshot, server, () -> RecoveryPointInUsePolicy.evaluate(RecoverySource.Kind.SNAPSHOT,
                snapshot.id().value(), holds, asker));
    }

    private static Decision evaluate(Snapshot snapshot, Server server, Supplier<Decision> inUseCheck) {
        if (snapshot.isInProgress()) {
            return Decision.deny(ReasonCode.SNAPSHOT_IN_PROGRESS,
                    "snapshot " + snapshot.id() + " is still being created");
        }
        Decision inUse = inUseCheck.get();
        if (!inUse.isAllowed()) {
            return inUse;
        }
        if (server.isRestoring()) {
            return server.refusedWhileRestoring(ReasonCode.SERVER_RESTORING,
                    "server " + server.id() + " is being restored" + server.hold().map(h -> " until " + h.until())
                            .orElse("") + "; its snapshots are kept until it is done");
        }
        return Decision.allow();
    }
}
