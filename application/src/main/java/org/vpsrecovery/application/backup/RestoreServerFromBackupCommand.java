package org.vpsrecovery.application.backup;

import java.util.Objects;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.server.ServerId;

public record RestoreServerFromBackupCommand(CallContext context, ServerId server, BackupId backup) {

    public RestoreServerFromBackupCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(backup, "backup");
    }
}
