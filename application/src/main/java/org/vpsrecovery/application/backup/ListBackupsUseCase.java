package org.vpsrecovery.application.backup;

import java.util.List;
import org.vpsrecovery.domain.backup.Backup;

/** The team's backups, optionally of one server and one type; another team's server lists as empty. */
public interface ListBackupsUseCase {

    List<Backup> listBackups(ListBackupsQuery query);
}
