package org.vpsrecovery.application.hold;

import java.util.List;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.RecoveryPointHold;

/** Holds on a snapshot or backup (ADR 0029): placed, listed, released. */
public interface RecoveryPointHoldsUseCase {

    RecoveryPointHold placeHold(PlaceHoldCommand command);

    RecoveryPointHold releaseHold(ReleaseHoldCommand command);

    /** Every hold placed on the point, active and released, newest first. */
    List<RecoveryPointHold> listHolds(HoldActor actor, ResourceRef point);

    /**
     * Whether a hold with this id was placed. A hold's id is its request's operation id, so this is the
     * trace a placement that died before answering leaves: a retry with its Idempotency-Key must not place a second.
     */
    boolean wasPlaced(HoldId id);
}
