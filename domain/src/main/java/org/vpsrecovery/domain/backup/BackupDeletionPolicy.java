package org.vpsrecovery.domain.backup;

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
 * A backup still being written is not deleted, nor any backup of a server being restored (it may
 * be the one the restore reads from).
 */
public final class BackupDeletionPolicy {

    private BackupDeletionPolicy() {
    }

    public static Decision evaluate(Backup backup, Server server) {
        return evaluate(backup, server, Decision::allow);
    }

    /**
     * {@code holds}: the restore holds in force on any server; the one reading this backup keeps it
     * ({@link RecoveryPointInUsePolicy}, which tells {@code asker}, the team deleting, only what is its own).
     */
    public static Decision evaluate(Backup backup, Server server, Collection<RestoreHold> holds, TeamId asker) {
        return evaluate(backup, server, () -> RecoveryPointInUsePolicy.evaluate(RecoverySource.Kind.BACKUP,
                backup.id().value(), holds, asker));
    }

    private static Decision evaluate(Backup backup, Server server, Supplier<Decision> inUseCheck) {
        if (backup.isInProgress()) {
            return Decision.deny(ReasonCode.BACKUP_IN_PROGRESS, "backup " + backup.id() + " is still being created");
        }
        Decision inUse = inUseCheck.get();
        if (!inUse.isAllowed()) {
            return inUse;
        }
        if (server.isRestoring()) {
            return server.refusedWhileRestoring(ReasonCode.SERVER_RESTORING,
                    "server " + server.id() + " is being restored" + server.hold().map(h -> " until " + h.until())
                            .orElse("") + "; its backups are kept until it is done");
        }
        return Decision.allow();
    }
}
