package org.vpsrecovery.domain.port;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.RecoveryPointHold;

/**
 * The holds on snapshots and backups (ADR 0029). Writers call it under the point's server lock, so a
 * delete's check and a hold's placement on the same point never interleave.
 */
public interface RecoveryPointHolds {

    /** Stores a new, active hold; its id is new. */
    void place(RecoveryPointHold hold);

    /** Writes {@code released} over the stored hold only if that one is still active; false otherwise. */
    boolean release(RecoveryPointHold released);

    Optional<RecoveryPointHold> find(HoldId id);

    /** Every hold placed on {@code point}, active and released, newest first. */
    List<RecoveryPointHold> on(ResourceRef point);

    /** The holds in force on {@code point}. */
    default List<RecoveryPointHold> activeOn(ResourceRef point) {
        return on(point).stream().filter(RecoveryPointHold::isActive).toList();
    }

    /** Which of {@code points} are held now (retention asks this before it lets anything go). */
    Set<ResourceRef> heldAmong(Collection<ResourceRef> points);
}
