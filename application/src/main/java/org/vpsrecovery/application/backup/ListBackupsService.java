package org.vpsrecovery.application.backup;

import java.util.List;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ServerOwnership;

public final class ListBackupsService implements ListBackupsUseCase {

    private final TeamBackups backups;

    public ListBackupsService(BackupProvider backups, ServerOwnership ownership) {
        this.backups = new TeamBackups(backups, ownership);
    }

    @Override
    public List<Backup> listBackups(ListBackupsQuery query) {
        return backups.list(query.context().team(), query.server(), query.type());
    }
}
