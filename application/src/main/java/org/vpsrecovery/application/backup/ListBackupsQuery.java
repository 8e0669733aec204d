package org.vpsrecovery.application.backup;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.backup.BackupTypeFilter;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/** A team's backups, of one of its servers or all, of one type or all; a read, so it names only the team. */
public record ListBackupsQuery(TeamId team, Optional<ServerId> server, Optional<BackupTypeFilter> type) {

    public ListBackupsQuery {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(server, "server (may be empty, not null)");
        Objects.requireNonNull(type, "type (may be empty, not null)");
    }
}
