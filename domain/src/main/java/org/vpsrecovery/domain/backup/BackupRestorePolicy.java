package org.vpsrecovery.domain.backup;

import java.time.Instant;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.server.Server;

/** Only a completed, unexpired backup can be restored, and not onto a server that is already restoring. */
public final class BackupRestorePolicy {

    private BackupRestorePolicy() {
    }

    public static Decision evaluate(Backup backup, Server target, Instant now) {
        if (!backup.isCompleted()) {
            return Decision.deny(ReasonCode.BACKUP_NOT_COMPLETED,
                    "backup " + backup.id() + " is " + backup.status().label() + ", not completed");
        }
        if (backup.isExpiredAt(now)) {
            return Decision.deny(ReasonCode.BACKUP_EXPIRED,
                    "automatic backup " + backup.id() + " expired at " + backup.expiresAt().orElseThrow());
        }
        return target.restorability();
    }
}
