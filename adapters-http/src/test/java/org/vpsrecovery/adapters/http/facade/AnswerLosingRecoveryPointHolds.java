package org.vpsrecovery.adapters.http.facade;

import java.util.Set;
import org.vpsrecovery.domain.hold.HoldLimits;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.ForwardingRecoveryPointHolds;

/** The fixture's holds, whose next placement can be made to be stored and then lose its answer, as a dropped commit does. */
final class AnswerLosingRecoveryPointHolds extends ForwardingRecoveryPointHolds {

    volatile RuntimeException nextPlacementStoredThenFails;

    AnswerLosingRecoveryPointHolds(RecoveryPointHolds holds) {
        super(holds);
    }

    @Override
    public boolean placeWithin(RecoveryPointHold hold, HoldLimits limits, Set<ServerId> teamsServers) {
        boolean placed = super.placeWithin(hold, limits, teamsServers);
        RuntimeException lost = nextPlacementStoredThenFails;
        if (lost != null) {
            nextPlacementStoredThenFails = null;
            throw lost;
        }
        return placed;
    }
}
