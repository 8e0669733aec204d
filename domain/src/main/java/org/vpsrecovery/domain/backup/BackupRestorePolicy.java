package org.vpsrecovery.domain.backup;

import java.time.Instant;
import java.util.function.Supplier;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.Server;

/** Only a completed, unexpired backup can be restored, and not onto a server that is already restoring. */
public final class BackupRestorePolicy {

    private BackupRestorePolicy() {
    }

    /** As told to no team in particular: a refusal by a restore holding the target names the window only. */
    public static Decision evaluate(Backup backup, Server target, Instant now) {
        return evaluate(backup, target, now, target::restorability);
    }

    /** {@code asker}: the team restoring, told the holding restore's operation only if it asked that restore. */
    public static Decision evaluate(Backup backup, Server target, Instant now, TeamId asker) {
        return evaluate(backup, target, now, () -> target.restorabilityFor(asker));
    }

    private static Decision evaluate(Backup backup, Server target, Instant now, Supplier<Decision> targetRestorability) {
        if (!backup.isCompleted()) {
            return Decision.deny(ReasonCode.BACKUP_NOT_COMPLETED,
                    "backup " + backup.id() + " is " + backup.status().label() + ", not completed");
        }
        if (backup.isExpiredAt(now)) {
            return Decision.deny(ReasonCode.BACKUP_EXPIRED,
                    "automatic backup " + backup.id() + " expired at " + backup.expiresAt().orElseThrow());
        }
        return targetRestorability.get();
    }
}
