package org.vpsrecovery.application.backup;

import java.util.Objects;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.backup.BackupId;

public record DeleteBackupCommand(CallContext context, BackupId backup) {

    public DeleteBackupCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(backup, "backup");
    }
}
