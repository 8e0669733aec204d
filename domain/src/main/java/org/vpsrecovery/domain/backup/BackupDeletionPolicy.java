package org.vpsrecovery.domain.backup;

import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.server.Server;

/**
 * A backup still being written is not deleted, nor any backup of a server being restored (it may
 * be the one the restore reads from).
 */
public final class BackupDeletionPolicy {

    private BackupDeletionPolicy() {
    }

    public static Decision evaluate(Backup backup, Server server) {
        if (backup.isInProgress()) {
            return Decision.deny(ReasonCode.BACKUP_IN_PROGRESS, "backup " + backup.id() + " is still being created");
        }
        if (server.isRestoring()) {
            return Decision.deny(ReasonCode.SERVER_RESTORING,
                    "server " + server.id() + " is being restored; its backups are kept until it is done");
        }
        return Decision.allow();
    }
}
