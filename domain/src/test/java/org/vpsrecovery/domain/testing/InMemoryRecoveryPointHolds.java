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
import org.vpsrecovery.domain.hold.HoldKind;
import org.vpsrecovery.domain.hold.HoldLimits;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.server.ServerId;

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

    /** Newest first: placed, then id, both descending (the id as PostgreSQL orders uuids: its text). */
    private static final Comparator<RecoveryPointHold> NEWEST_FIRST = Comparator.comparing(RecoveryPointHold::placedAt)
            .thenComparing(h -> h.id().value().toString()).reversed();

    /** Every hold on {@code point}, newest first (tests' view; the port pages). */
    public synchronized List<RecoveryPointHold> on(ResourceRef point) {
        return holds.values().stream().filter(h -> h.point().equals(point)).sorted(NEWEST_FIRST).toList();
    }

    @Override
    public synchronized boolean placeWithin(RecoveryPointHold hold, HoldLimits limits, Set<ServerId> teamsServers) {
        long onPoint = activeOn(hold.point()).stream().filter(h -> h.kind() == hold.kind()).count();
        if (onPoint >= limits.activePerPoint()
                || activeCountOn(teamsServers, hold.kind()) >= limits.activePerTeam()) {
            return false;
        }
        place(hold);
        return true;
    }

    @Override
    public synchronized int activeCountOn(Set<ServerId> servers, HoldKind kind) {
        return (int) holds.values().stream().filter(RecoveryPointHold::isActive)
                .filter(h -> h.kind() == kind && servers.contains(h.server())).count();
    }

    @Override
    public synchronized List<RecoveryPointHold> page(ResourceRef point, Optional<HoldId> after, int limit) {
        RecoveryPointHolds.requirePage(limit);
        List<RecoveryPointHold> all = on(point);
        int from = after.map(id -> {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).id().equals(id)) {
                    return i + 1;
                }
            }
            return all.size();
        }).orElse(0);
        return all.subList(from, Math.min(all.size(), from + limit)).stream().toList();
    }

    @Override
    public synchronized List<RecoveryPointHold> activeOn(ResourceRef point) {
        return on(point).stream().filter(RecoveryPointHold::isActive).toList();
    }

    @Override
    public synchronized Set<ResourceRef> heldAmong(Collection<ResourceRef> points) {
        return holds.values().stream().filter(RecoveryPointHold::isActive).map(RecoveryPointHold::point)
                .filter(points::contains).collect(Collectors.toSet());
    }
}
