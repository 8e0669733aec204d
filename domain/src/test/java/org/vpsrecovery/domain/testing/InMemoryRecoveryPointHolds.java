package org.vpsrecovery.domain.testing;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.port.RecoveryPointHolds;

/** The holds in memory, with the store's rules: unique ids, a release written only over an active hold. */
public final class InMemoryRecoveryPointHolds implements RecoveryPointHolds {

    private final Map<HoldId, RecoveryPointHold> holds = new LinkedHashMap<>();

    @Override
    public synchronized void place(RecoveryPointHold hold) {
        if (!hold.isActive()) {
            throw new IllegalArgumentException("a new hold is active");
        }
        if (holds.putIfAbsent(hold.id(), hold) != null) {
            throw new IllegalStateException("hold " + hold.id() + " exists");
        }
    }

    @Override
    public synchronized boolean release(RecoveryPointHold released) {
        RecoveryPointHold stored = holds.get(released.id());
        if (stored == null || !stored.isActive() || released.isActive()) {
            return false;
        }
        holds.put(released.id(), released);
        return true;
    }

    @Override
    public synchronized Optional<RecoveryPointHold> find(HoldId id) {
        return Optional.ofNullable(holds.get(id));
    }

    @Override
    public synchronized List<RecoveryPointHold> on(ResourceRef point) {
        return holds.values().stream().filter(h -> h.point().equals(point))
                .sorted(Comparator.comparing(RecoveryPointHold::placedAt).reversed()).toList();
    }

    @Override
    public synchronized Set<ResourceRef> heldAmong(Collection<ResourceRef> points) {
        return holds.values().stream().filter(RecoveryPointHold::isActive).map(RecoveryPointHold::point)
                .filter(points::contains).collect(Collectors.toSet());
    }
}
