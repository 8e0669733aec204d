package org.vpsrecovery.domain.backup;

import java.util.function.Supplier;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.Server;

/**
 * Only a completed backup can be restored, and not onto a server that is already restoring. Not judged by its
 * {@code expires_at}: the backup is read fresh from VPS.org's list for the check, so one it lists is one it still holds;
 * if it removes it before the call, its own "not found" is the record (ADR 0003, amended in session 49).
 */
public final class BackupRestorePolicy {

    private BackupRestorePolicy() {
    }

    /** As told to no team in particular: a refusal by a restore holding the target names the window only. */
    public static Decision evaluate(Backup backup, Server target) {
        return evaluate(backup, target::restorability);
    }

    /** {@code asker}: the team restoring, told the holding restore's operation only if it asked that restore. */
    public static Decision evaluate(Backup backup, Server target, TeamId asker) {
        return evaluate(backup, () -> target.restorabilityFor(asker));
    }

    private static Decision evaluate(Backup backup, Supplier<Decision> targetRestorability) {
        if (!backup.isCompleted()) {
            return Decision.deny(ReasonCode.BACKUP_NOT_COMPLETED,
                    "backup " + backup.id() + " is " + backup.status().label() + ", not completed");
        }
        return targetRestorability.get();
    }
}
