package org.vpsrecovery.application.backup;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.server.ServerId;

/** The provider's backups as one team may see them: only those of its own servers. */
public final class TeamBackups {

    private final BackupProvider backups;
    private final ServerOwnership ownership;

    public TeamBackups(BackupProvider backups, ServerOwnership ownership) {
        this.backups = Objects.requireNonNull(backups, "backups");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
    }

    /** Another team's server lists as empty, exactly as a server with no backup would. */
    public List<Backup> list(TeamId team, Optional<ServerId> server, Optional<BackupType.Kind> type) {
        Set<ServerId> owned = ownership.serversOf(team);
        if (owned.isEmpty() || server.filter(s -> !owned.contains(s)).isPresent()) {
            return List.of();
        }
        return backups.listBackups(server, type).stream().filter(b -> owned.contains(b.server().id())).toList();
    }

    /** Empty when the backup is missing or belongs to another team: the two are never told apart. */
    public Optional<Backup> find(TeamId team, BackupId id) {
        return list(team, Optional.empty(), Optional.empty()).stream().filter(b -> b.id().equals(id)).findFirst();
    }

    /** A fresh read of one server's backups, for decisions taken under a lock. */
    public Optional<Backup> findOnServer(ServerId server, BackupId id) {
        return backups.listBackups(Optional.of(server), Optional.empty()).stream()
                .filter(b -> b.id().equals(id)).findFirst();
    }

    public static ResourceNotFound notFound(BackupId id) {
        return new ResourceNotFound(ReasonCode.BACKUP_NOT_FOUND, "backup " + id + " not found");
    }
}
