package org.vpsrecovery.application.backup;

import java.util.Objects;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.server.Server;

/** The backup being restored and the target server as the provider reports it (normally restoring). */
public record BackupRestoreStarted(Backup backup, Server server) {

    public BackupRestoreStarted {
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(server, "server");
    }
}
