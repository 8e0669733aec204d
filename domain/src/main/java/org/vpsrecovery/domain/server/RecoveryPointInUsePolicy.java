package org.vpsrecovery.domain.server;

import java.util.Collection;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;

/**
 * A snapshot or backup that a restore is reading from is not deleted until that restore's hold is
 * over (its window ended, or the owning team released it). The restored server may be another one
 * than the point's own: a backup of one server can restore another.
 */
public final class RecoveryPointInUsePolicy {

    private RecoveryPointInUsePolicy() {
    }

    /** {@code holds}: the restore holds in force now, on any server. */
    public static Decision evaluate(RecoverySource.Kind kind, long id, Collection<RestoreHold> holds) {
        // The hold that lasts longest is the one the delete waits for.
        return holds.stream().filter(hold -> hold.readsFrom(kind, id)).max(java.util.Comparator.comparing(RestoreHold::until))
                .<Decision>map(hold -> Decision.denyUntil(ReasonCode.RECOVERY_POINT_IN_USE,
                        kind.wireName() + " " + id
                                + " is the source of the restore " + hold.operation() + " holding server "
                                + hold.server() + " until " + hold.until() + "; it can be deleted once that restore is over",
                        hold.until()))
                .orElse(Decision.allow());
    }
}
