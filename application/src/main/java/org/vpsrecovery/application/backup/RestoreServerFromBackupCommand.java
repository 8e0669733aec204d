package org.vpsrecovery.application.backup;

import java.util.Objects;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.server.ServerId;

/** {@code skipSafetySnapshot}: the caller asked to restore without a safety snapshot (audited, ADR 0029). */
public record RestoreServerFromBackupCommand(CallContext context, ServerId server, BackupId backup,
                                             boolean skipSafetySnapshot) {

    public RestoreServerFromBackupCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(backup, "backup");
    }

    public RestoreServerFromBackupCommand(CallContext context, ServerId server, BackupId backup) {
        this(context, server, backup, false);
    }
}
