package org.vpsrecovery.domain.server;

import java.util.Collection;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;

/**
 * A snapshot or backup that a restore is reading from is not deleted until that restore's hold is
 * over (its window ended, or the owning team released it). The restored server may be another one
 * than the point's own: a backup of one server can restore another.
 */
public final class RecoveryPointInUsePolicy {

    private RecoveryPointInUsePolicy() {
    }

    /**
     * {@code holds}: the restore holds in force now, on any server. {@code asker}, the team deleting, is told the
     * holding restore's operation and the server it holds only if it asked that restore: a restore asked by another
     * team (the point's server was moved to the asker by the teams file) is that team's (ADR 0026, amended in session
     * 39). The hold's end is told to every asker: it is when the delete may be asked again.
     */
    public static Decision evaluate(RecoverySource.Kind kind, long id, Collection<RestoreHold> holds, TeamId asker) {
        java.util.Objects.requireNonNull(asker, "asking team");
        // The hold that lasts longest is the one the delete waits for.
        return holds.stream().filter(hold -> hold.readsFrom(kind, id)).max(java.util.Comparator.comparing(RestoreHold::until))
                .<Decision>map(hold -> Decision.denyUntil(ReasonCode.RECOVERY_POINT_IN_USE,
                        kind.wireName() + " " + id + (hold.askedBy(asker)
                                ? " is the source of the restore " + hold.operation() + " holding server " + hold.server()
                                : " is the source of a restore another team asked for, holding a server")
                                + " until " + hold.until() + "; it can be deleted once that restore is over",
                        hold.until()))
                .orElse(Decision.allow());
    }
}
