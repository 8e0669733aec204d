package org.vpsrecovery.application.provider;

import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** A provider of the list tests: it lists (no backups); a change asked of it is the test's mistake, refused. */
abstract class ListOnlyProvider implements SnapshotProvider, BackupProvider {

    @Override
    public Snapshot createSnapshot(SnapshotDraft draft) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RestoreStarted restoreSnapshot(SnapshotId snapshot, ServerId itsServer) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void deleteSnapshot(SnapshotId snapshot) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Backup> listBackups(Optional<ServerId> server, Optional<BackupType.Kind> type) {
        return List.of();
    }

    @Override
    public Backup createManualBackup(BackupDraft draft) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void deleteBackup(BackupId backup) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RestoreStarted restoreServerFromBackup(ServerId server, BackupId backup) {
        throw new UnsupportedOperationException();
    }
}
