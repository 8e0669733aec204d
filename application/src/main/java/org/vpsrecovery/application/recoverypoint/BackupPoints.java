package org.vpsrecovery.application.recoverypoint;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import org.vpsrecovery.application.backup.TeamBackups;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.server.RestoreHold;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDeletionPolicy;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupRestorePolicy;

/** Backups as recovery points: a backup may restore another of the team's servers (disaster recovery). */
public final class BackupPoints implements RecoveryPoints<BackupId, Backup> {

    private final BackupProvider provider;
    private final TeamBackups backups;

    public BackupPoints(BackupProvider provider, ServerOwnership ownership) {
        this.provider = provider;
        this.backups = new TeamBackups(provider, ownership);
    }

    @Override
    public Operation deleteOperation() {
        return Operation.DELETE_BACKUP;
    }

    @Override
    public Operation restoreOperation() {
        return Operation.RESTORE_SERVER_FROM_BACKUP;
    }

    @Override
    public ResourceRef ref(BackupId id) {
        return ResourceRef.of(id);
    }

    @Override
    public BackupId idOf(Backup point) {
        return point.id();
    }

    @Override
    public ServerRef serverOf(Backup point) {
        return point.server();
    }

    @Override
    public CreationStatus statusOf(Backup point) {
        return point.status();
    }

    @Override
    public Optional<Backup> find(TeamId team, BackupId id) {
        return backups.find(team, id);
    }

    @Override
    public Optional<Backup> findOnServer(ServerId server, BackupId id) {
        return backups.findOnServer(server, id);
    }

    @Override
    public ResourceNotFound notFound(BackupId id) {
        return TeamBackups.notFound(id);
    }

    @Override
    public Class<?> deletionPolicy() {
        return BackupDeletionPolicy.class;
    }

    @Override
    public Decision deletable(Backup point, Server server, Collection<RestoreHold> restoreHolds) {
        return BackupDeletionPolicy.evaluate(point, server, restoreHolds);
    }

    @Override
    public Class<?> restorePolicy() {
        return BackupRestorePolicy.class;
    }

    @Override
    public Decision restorable(Backup point, Server target, Instant now) {
        return BackupRestorePolicy.evaluate(point, target, now);
    }

    @Override
    public void delete(BackupId id) {
        provider.deleteBackup(id);
    }

    @Override
    public RestoreStarted restore(ServerId target, BackupId id) {
        return provider.restoreServerFromBackup(target, id);
    }
}
