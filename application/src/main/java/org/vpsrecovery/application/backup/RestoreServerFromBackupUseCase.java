package org.vpsrecovery.application.backup;

/**
 * Restores one of the team's servers from one of the team's completed, unexpired backups; the
 * backup may come from another of the team's servers (disaster recovery onto a new server).
 */
public interface RestoreServerFromBackupUseCase {

    BackupRestoreStarted restoreServerFromBackup(RestoreServerFromBackupCommand command);
}
