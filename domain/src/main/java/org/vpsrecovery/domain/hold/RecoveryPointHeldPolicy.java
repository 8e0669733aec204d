package org.vpsrecovery.domain.hold;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;

/**
 * A held snapshot or backup is deleted by nobody, retention included, until every hold on it is
 * released. The detail names the holds (id and kind); their reasons are in the holds' list.
 */
public final class RecoveryPointHeldPolicy {

    private RecoveryPointHeldPolicy() {
    }

    /** {@code holds}: the holds read under the point's server lock (any, active or not, on any point). */
    public static Decision evaluate(ResourceRef point, Collection<RecoveryPointHold> holds) {
        List<RecoveryPointHold> on = holds.stream().filter(h -> h.isActive() && h.point().equals(point)).toList();
        if (on.isEmpty()) {
            return Decision.allow();
        }
        String names = on.stream().map(h -> h.id() + " (" + h.kind().wireName() + ")").collect(Collectors.joining(", "));
        return Decision.deny(ReasonCode.RECOVERY_POINT_HELD, point.type().name().toLowerCase(java.util.Locale.ROOT) + " "
                + point.id() + " is held (" + names + "); it can be deleted once every hold on it is released");
    }
}
