package org.vpsrecovery.application.backup;

/** Deletes one of the team's backups for good, unless it is still being made or its server is restoring. */
public interface DeleteBackupUseCase {

    void deleteBackup(DeleteBackupCommand command);
}
