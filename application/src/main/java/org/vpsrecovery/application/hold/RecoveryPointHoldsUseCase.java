package org.vpsrecovery.application.hold;

import java.util.Optional;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.RecoveryPointHold;

/** Holds on a snapshot or backup (ADR 0029): placed, listed, released. */
public interface RecoveryPointHoldsUseCase {

    RecoveryPointHold placeHold(PlaceHoldCommand command);

    RecoveryPointHold releaseHold(ReleaseHoldCommand command);

    /**
     * The holds placed on the point, active and released, newest first, at most {@code limit}
     * (1-{@value org.vpsrecovery.domain.port.RecoveryPointHolds#MAX_PAGE}), after the hold {@code after} when given
     * (a cursor that is no hold on this point is {@code HOLD_NOT_FOUND}); the page's {@code next} is empty on the last.
     */
    KeysetPage<RecoveryPointHold, HoldId> listHolds(HoldActor actor, ResourceRef point, Optional<HoldId> after, int limit);

    /**
     * Whether a hold with this id was placed. A hold's id is its request's operation id, so this is the
     * trace a placement that died before answering leaves: a retry with its Idempotency-Key must not place a second.
     */
    boolean wasPlaced(HoldId id);
}
