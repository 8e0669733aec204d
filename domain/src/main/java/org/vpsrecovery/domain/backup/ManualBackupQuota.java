package org.vpsrecovery.domain.backup;

import java.util.List;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.limits.RecoveryLimits;
import org.vpsrecovery.domain.server.ServerId;

/** At most N manual backups per server (the provider's 10, or a team's lower number); automatic ones don't count. */
public final class ManualBackupQuota {

    private ManualBackupQuota() {
    }

    public static Decision evaluate(ServerId server, List<Backup> existing, RecoveryLimits limits) {
        long held = existing.stream()
                .filter(b -> b.server().id().equals(server))
                .filter(Backup::isManual)
                .count();
        int allowed = limits.manualBackupsPerServer();
        return held < allowed
                ? Decision.allow()
                : Decision.deny(ReasonCode.MANUAL_BACKUP_LIMIT_REACHED,
                        "Manual backup limit reached: server " + server + " already has " + held + " of its "
                                + allowed + " allowed manual backups");
    }

    /** How many manual backups must go before one more fits: none with room, one at the limit, more over it. */
    public static long toFree(ServerId server, List<Backup> existing, RecoveryLimits limits) {
        long held = existing.stream().filter(b -> b.server().id().equals(server)).filter(Backup::isManual).count();
        return Math.max(0, held - limits.manualBackupsPerServer() + 1);
    }
}
