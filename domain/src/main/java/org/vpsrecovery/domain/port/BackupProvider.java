package org.vpsrecovery.domain.port;

import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.server.ServerId;

/** The provider's backup operations. Every method may throw {@link ProviderFailure}. */
public interface BackupProvider {

    /** All backups of the platform's account, optionally of one server and of one type. */
    List<Backup> listBackups(Optional<ServerId> server, Optional<BackupType.Kind> type);

    /**
     * The same list, read so that a backup it leaves out was not at VPS.org when the read ended, as
     * {@link SnapshotProvider#listSnapshotsConsistently}, within {@code bound} (ADR 0010, amended in sessions 38 and
     * 39). By default the ordinary list; an adapter that reads pages overrides it, and a decorator passes it on.
     */
    default List<Backup> listBackupsConsistently(Optional<ServerId> server, Optional<BackupType.Kind> type,
                                                 ConsistentListBound bound) {
        return listBackups(server, type);
    }

    /** Starts a manual backup; the answer is normally in progress. Never retried blindly. */
    Backup createManualBackup(BackupDraft draft);

    void deleteBackup(BackupId backup);

    /** Restores {@code server} from {@code backup} (the provider's Servers API). */
    RestoreStarted restoreServerFromBackup(ServerId server, BackupId backup);
}
