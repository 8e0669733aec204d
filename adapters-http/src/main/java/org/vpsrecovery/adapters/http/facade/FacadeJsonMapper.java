package org.vpsrecovery.adapters.http.facade;

import java.util.List;
import org.vpsrecovery.adapters.http.facade.FacadeJson.BackupJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.BackupRestoreJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.BackupPageJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.SnapshotPageJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.RestoredBackupJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.RestoredSnapshotJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.ServerJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.ServerWithStatusJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.SnapshotJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.SnapshotRestoreJson;
import org.vpsrecovery.application.backup.BackupRestoreStarted;
import org.vpsrecovery.application.snapshot.SnapshotRestoreStarted;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;

/** Domain objects to the facade's JSON, in one place. The messages are VPS.org's own wording where it documents one. */
final class FacadeJsonMapper {

    static final String SNAPSHOT_CREATED =
            "Snapshot is being created. This may take 3-10 minutes depending on server size.";
    static final String BACKUP_CREATED =
            "Backup is being created. This may take several minutes depending on server size.";
    static final String SNAPSHOT_RESTORE_STARTED = "Server is being restored from snapshot. This may take 5-15 minutes.";
    /**
     * VPS.org documents 5-15 minutes for a snapshot restore only, a backup restore as slower and varying: never a bound
     * it does not give.
     */
    static final String BACKUP_RESTORE_STARTED =
            "Server is being restored from backup. This takes longer than a restore from a snapshot, and varies.";

    private FacadeJsonMapper() {
    }

    static SnapshotJson snapshot(Snapshot s, String message) {
        return new SnapshotJson(s.id().value(), server(s.server()), s.name(), s.status().label(),
                s.sizeMb().isPresent() ? s.sizeMb().getAsLong() : null, s.createdAt().toString(), s.description(),
                message);
    }

    static SnapshotPageJson snapshots(List<Snapshot> snapshots) {
        return new SnapshotPageJson(snapshots.size(), snapshots.stream().map(s -> snapshot(s, null)).toList());
    }

    static BackupJson backup(Backup b, String message) {
        return new BackupJson(b.id().value(), server(b.server()), b.type().label(), b.status().label(),
                b.sizeMb().isPresent() ? b.sizeMb().getAsLong() : null, b.createdAt().toString(),
                b.expiresAt().map(Object::toString).orElse(null), b.description(), message);
    }

    static BackupPageJson backups(List<Backup> backups) {
        return new BackupPageJson(backups.size(), backups.stream().map(b -> backup(b, null)).toList());
    }

    static SnapshotRestoreJson restore(SnapshotRestoreStarted started) {
        Snapshot s = started.snapshot();
        return new SnapshotRestoreJson("success", SNAPSHOT_RESTORE_STARTED,
                new RestoredSnapshotJson(s.id().value(), s.name(), s.createdAt().toString()),
                serverWithStatus(started.server()));
    }

    static BackupRestoreJson restore(BackupRestoreStarted started) {
        Backup b = started.backup();
        return new BackupRestoreJson("success", BACKUP_RESTORE_STARTED,
                new RestoredBackupJson(b.id().value(), b.type().label(), b.createdAt().toString()),
                serverWithStatus(started.server()));
    }

    private static ServerJson server(ServerRef ref) {
        return new ServerJson(ref.id().value(), ref.name());
    }

    private static ServerWithStatusJson serverWithStatus(Server server) {
        return new ServerWithStatusJson(server.id().value(), server.ref().name(), server.status().label());
    }
}
