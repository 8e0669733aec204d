package org.vpsrecovery.domain.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.drift.Drift;
import org.vpsrecovery.domain.drift.DriftFilter;
import org.vpsrecovery.domain.drift.ListedPoint;
import org.vpsrecovery.domain.drift.RecordedDrift;
import org.vpsrecovery.domain.port.DriftRecords;
import org.vpsrecovery.domain.server.ServerId;

/** The drifts in memory, with the store's rules: one drift per (team, point, kind), a resolution written once over an open one. */
public final class InMemoryDriftRecords implements DriftRecords {

    private final List<RecordedDrift> drifts = new ArrayList<>();
    private final Map<ServerId, List<ListedPoint.Sighting>> sightings = new HashMap<>();
    private long nextId = 1;

    @Override
    public synchronized Optional<RecordedDrift> record(Drift drift) {
        boolean known = drifts.stream().anyMatch(r -> r.drift().team().equals(drift.team())
                && r.drift().point().equals(drift.point()) && r.drift().kind() == drift.kind());
        if (known) {
            return Optional.empty();
        }
        RecordedDrift recorded = new RecordedDrift(nextId++, drift);
        drifts.add(recorded);
        return Optional.of(recorded);
    }

    @Override
    public synchronized boolean resolve(RecordedDrift resolved) {
        for (int i = 0; i < drifts.size(); i++) {
            RecordedDrift stored = drifts.get(i);
            if (stored.id() == resolved.id()) {
                if (!stored.drift().isOpen() || resolved.drift().resolution().isEmpty()) {
                    return false;
                }
                drifts.set(i, new RecordedDrift(stored.id(), stored.drift().resolved(resolved.drift().resolution().get().at(),
                        resolved.drift().resolution().get().how())));
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized List<RecordedDrift> onServer(ServerId server) {
        return drifts.stream().filter(r -> r.drift().server().equals(server)).toList();
    }

    @Override
    public synchronized KeysetPage<RecordedDrift, Long> page(DriftFilter filter, OptionalLong beforeId, int limit) {
        DriftRecords.requirePage(limit);
        List<RecordedDrift> matching = drifts.stream().filter(r -> filter.matches(r.drift()))
                .filter(r -> beforeId.isEmpty() || r.id() < beforeId.getAsLong())
                .sorted(Comparator.comparingLong(RecordedDrift::id).reversed()).limit(limit + 1L).toList();
        return KeysetPage.of(matching, limit, RecordedDrift::id);
    }

    @Override
    public synchronized List<ListedPoint.Sighting> sightings(ServerId server) {
        return sightings.getOrDefault(server, List.of());
    }

    @Override
    public synchronized void replaceSightings(ServerId server, List<ListedPoint.Sighting> seen) {
        sightings.put(server, List.copyOf(seen));
    }
}
