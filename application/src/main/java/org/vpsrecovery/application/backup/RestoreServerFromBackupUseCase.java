package org.vpsrecovery.application.backup;

import org.vpsrecovery.application.restore.RestoreAnswer;

/**
 * Restores one of the team's servers from one of the team's completed, unexpired backups; the
 * backup may come from another of the team's servers (disaster recovery onto a new server).
 */
public interface RestoreServerFromBackupUseCase {

    /** At once, with no safety snapshot. */
    BackupRestoreStarted restoreServerFromBackup(RestoreServerFromBackupCommand command);

    /**
     * A restore as requested over the API: with a safety snapshot of the target first when the team's
     * setting is on and the caller did not skip it (ADR 0029), otherwise at once.
     */
    default RestoreAnswer<BackupRestoreStarted> requestRestore(RestoreServerFromBackupCommand command) {
        return new RestoreAnswer.Started<>(restoreServerFromBackup(command));
    }
}
