package org.vpsrecovery.application.backup;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.application.recoverypoint.kind.RecoveryPoints;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDeletionPolicy;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupRestorePolicy;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.backup.BackupTypeFilter;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.server.RestoreHold;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;

/**
 * The provider's backups as one team may see them: only those of its own servers; and, as recovery
 * points, what the deletes, the restores and their plans need to know of a backup.
 */
public final class TeamBackups implements ListBackupsUseCase, RecoveryPoints<BackupId, Backup> {

    private final BackupProvider backups;
    private final ServerOwnership ownership;

    public TeamBackups(BackupProvider backups, ServerOwnership ownership) {
        this.backups = Objects.requireNonNull(backups, "backups");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
    }

    private List<Backup> list(TeamId team, Optional<ServerId> server, Optional<BackupType.Kind> type) {
        Set<ServerId> owned = ownership.serversOf(team);
        if (owned.isEmpty() || server.filter(s -> !owned.contains(s)).isPresent()) {
            return List.of();
        }
        return backups.listBackups(server, type).stream().filter(b -> owned.contains(b.server().id())).toList();
    }

    /**
     * Another team's server lists as empty, exactly as a server with no backup would. A type VPS.org does not document
     * is not its filter: the provider is asked for the unknown kinds, and the label picked here (ADR 0003).
     */
    @Override
    public List<Backup> listBackups(ListBackupsQuery query) {
        List<Backup> listed = list(query.team(), query.server(), query.type().map(BackupTypeFilter::kind));
        return query.type().map(type -> listed.stream().filter(b -> type.matches(b.type())).toList()).orElse(listed);
    }

    /**
     * Empty when the backup is missing or belongs to another team: the two are never told apart. Missing from the
     * account's list, it is looked for again in that list read consistently: a list joined from pages may leave out a
     * backup that is there, and a 404 (a refused delete or restore) would then be false (ADR 0010).
     */
    @Override
    public Optional<Backup> find(TeamId team, BackupId id) {
        return find(team, id, ConsistentListBound.oneDeadlineForARequest());
    }

    @Override
    public Optional<Backup> find(TeamId team, BackupId id, ConsistentListBound bound) {
        Set<ServerId> owned = ownership.serversOf(team);
        if (owned.isEmpty()) {
            return Optional.empty();
        }
        return ownedOne(backups.listBackups(Optional.empty(), Optional.empty()), owned, id)
                .or(() -> ownedOne(backups.listBackupsConsistently(Optional.empty(), Optional.empty(), bound), owned, id));
    }

    private static Optional<Backup> ownedOne(List<Backup> listed, Set<ServerId> owned, BackupId id) {
        return listed.stream().filter(b -> b.id().equals(id) && owned.contains(b.server().id())).findFirst();
    }

    /** A fresh read of one server's backups, for decisions taken under a lock; missing, read consistently. */
    @Override
    public Optional<Backup> findOnServer(ServerId server, BackupId id, ConsistentListBound bound) {
        return one(backups.listBackups(Optional.of(server), Optional.empty()), id)
                .or(() -> one(backups.listBackupsConsistently(Optional.of(server), Optional.empty(), bound), id));
    }

    private static Optional<Backup> one(List<Backup> listed, BackupId id) {
        return listed.stream().filter(b -> b.id().equals(id)).findFirst();
    }

    @Override
    public ResourceNotFound notFound(BackupId id) {
        return new ResourceNotFound(ReasonCode.BACKUP_NOT_FOUND, "backup " + id + " not found");
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
    public Class<?> deletionPolicy() {
        return BackupDeletionPolicy.class;
    }

    @Override
    public Decision deletable(Backup point, Server server, Collection<RestoreHold> restoreHolds, TeamId asker) {
        return BackupDeletionPolicy.evaluate(point, server, restoreHolds, asker);
    }

    @Override
    public Class<?> restorePolicy() {
        return BackupRestorePolicy.class;
    }

    @Override
    public Decision restorable(Backup point, Server target, Instant now, TeamId asker) {
        return BackupRestorePolicy.evaluate(point, target, asker);
    }

    @Override
    public void delete(BackupId id) {
        backups.deleteBackup(id);
    }

    @Override
    public RestoreStarted restore(ServerId target, BackupId id) {
        return backups.restoreServerFromBackup(target, id);
    }
}
