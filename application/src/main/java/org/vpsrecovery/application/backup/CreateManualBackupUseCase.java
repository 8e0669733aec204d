package org.vpsrecovery.application.backup;

import org.vpsrecovery.domain.backup.Backup;

/** Starts a manual backup of one of the team's servers, if its manual-backup quota allows. */
public interface CreateManualBackupUseCase {

    Backup createManualBackup(CreateManualBackupCommand command);
}
