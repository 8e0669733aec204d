package org.vpsrecovery.application.backup;

import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.common.TeamId;

/** The team's backups, optionally of one server and one type; another team's server lists as empty. */
public interface ListBackupsUseCase {

    List<Backup> listBackups(ListBackupsQuery query);

    /**
     * One of the team's backups by id; empty when it is missing or another team's (the two are never told apart).
     * Empty only as a list read consistently shows it: never for one a list joined from pages left out (ADR 0010).
     */
    Optional<Backup> find(TeamId team, BackupId id);
}
