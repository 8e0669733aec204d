package org.vpsrecovery.domain.snapshot;

import java.util.List;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.limits.RecoveryLimits;
import org.vpsrecovery.domain.server.ServerId;

/**
 * At most N snapshots per server (the provider's 5, or a team's lower number). Every snapshot the
 * provider lists counts, whatever its status: an in-progress one will exist, and the provider does
 * not say a failed or unknown one frees its place.
 */
public final class SnapshotQuota {

    private SnapshotQuota() {
    }

    public static Decision evaluate(ServerId server, List<Snapshot> existing, RecoveryLimits limits) {
        long held = existing.stream().filter(s -> s.server().id().equals(server)).count();
        int allowed = limits.snapshotsPerServer();
        return held < allowed
                ? Decision.allow()
                : Decision.deny(ReasonCode.SNAPSHOT_LIMIT_REACHED,
                        "Snapshot limit reached: server " + server + " already has " + held + " of its " + allowed
                                + " allowed snapshots");
    }

    /**
     * How many snapshots must go before one more fits: none when there is room, one at the limit, more on a server
     * already over it (the team's limit lowered, the server moved from another team, snapshots made at VPS.org directly),
     * where one rotation makes no room (ADR 0028, amended in session 48).
     */
    public static long toFree(ServerId server, List<Snapshot> existing, RecoveryLimits limits) {
        long held = existing.stream().filter(s -> s.server().id().equals(server)).count();
        return Math.max(0, held - limits.snapshotsPerServer() + 1);
    }
}
