package org.vpsrecovery.domain.testing;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldKind;
import org.vpsrecovery.domain.hold.HoldLimits;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.server.ServerId;

/** Holds passing every call on to another store: a test overrides the calls it bends (a race, a lost commit). */
public class ForwardingRecoveryPointHolds implements RecoveryPointHolds {

    private final RecoveryPointHolds holds;

    public ForwardingRecoveryPointHolds(RecoveryPointHolds holds) {
        this.holds = Objects.requireNonNull(holds, "holds");
    }

    @Override
    public void place(RecoveryPointHold hold) {
        holds.place(hold);
    }

    @Override
    public boolean placeWithin(RecoveryPointHold hold, HoldLimits limits, Set<ServerId> teamsServers) {
        return holds.placeWithin(hold, limits, teamsServers);
    }

    @Override
    public int activeCountOn(Set<ServerId> servers, HoldKind kind) {
        return holds.activeCountOn(servers, kind);
    }

    @Override
    public boolean release(RecoveryPointHold released) {
        return holds.release(released);
    }

    @Override
    public Optional<RecoveryPointHold> find(HoldId id) {
        return holds.find(id);
    }

    @Override
    public List<RecoveryPointHold> page(ResourceRef point, Optional<HoldId> after, int limit) {
        return holds.page(point, after, limit);
    }

    @Override
    public List<RecoveryPointHold> activeOn(ResourceRef point) {
        return holds.activeOn(point);
    }

    @Override
    public Set<ResourceRef> heldAmong(Collection<ResourceRef> points) {
        return holds.heldAmong(points);
    }
}
