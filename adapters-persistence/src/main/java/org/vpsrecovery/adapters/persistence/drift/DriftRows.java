package org.vpsrecovery.adapters.persistence.drift;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.drift.Drift;
import org.vpsrecovery.domain.drift.DriftFilter;
import org.vpsrecovery.domain.drift.DriftKind;
import org.vpsrecovery.domain.drift.ListedPoint;
import org.vpsrecovery.domain.drift.RecordedDrift;
import org.vpsrecovery.domain.port.DriftRecords;
import org.vpsrecovery.domain.server.ServerId;

/** The drifts and sightings in PostgreSQL, through Micronaut Data repositories; the one place rows and domain meet. */
public final class DriftRows implements DriftRecords {

    private final DriftRowRepository drifts;
    private final SightingRowRepository sightings;

    public DriftRows(DriftRowRepository drifts, SightingRowRepository sightings) {
        this.drifts = Objects.requireNonNull(drifts, "drifts");
        this.sightings = Objects.requireNonNull(sightings, "sightings");
    }

    @Override
    public Optional<RecordedDrift> record(Drift drift) {
        if (drift.resolution().isPresent()) {
            throw new IllegalArgumentException("a new drift is open");
        }
        String type = drift.point().type().name();
        String kind = drift.kind().wireName();
        if (DatabaseOutOfReach.write("record the drift", () -> drifts.insertOnce(drift.team().value(),
                drift.server().value(), type, drift.point().id(), kind, drift.detectedAt(), drift.seen())) == 0) {
            return Optional.empty();
        }
        return DatabaseOutOfReach.read("read the drift", () -> drifts.findByTeamAndResourceTypeAndResourceIdAndKind(
                drift.team().value(), type, drift.point().id(), kind)).map(DriftRows::toDomain);
    }

    @Override
    public boolean resolve(RecordedDrift resolved) {
        Drift.Resolution resolution = resolved.drift().resolution()
                .orElseThrow(() -> new IllegalArgumentException("a resolution says when and how"));
        return DatabaseOutOfReach.write("resolve the drift",
                () -> drifts.resolveOpen(resolved.id(), resolution.at(), resolution.how())) == 1;
    }

    @Override
    public List<RecordedDrift> onServer(ServerId server) {
        return DatabaseOutOfReach.read("read the server's drifts", () -> drifts.onServer(server.value())).stream()
                .map(DriftRows::toDomain).toList();
    }

    @Override
    public KeysetPage<RecordedDrift, Long> page(DriftFilter filter, OptionalLong beforeId, int limit) {
        DriftRecords.requirePage(limit);
        // The drift report answers 503 when the database is out of reach, as every read (session 38).
        List<RecordedDrift> rows = DatabaseOutOfReach.read("read the drifts", () -> drifts.page(
                filter.team().map(TeamId::value).orElse(null), filter.server().map(ServerId::value).orElse(null),
                filter.kind().map(DriftKind::wireName).orElse(null), filter.since().orElse(null),
                beforeId.isPresent() ? beforeId.getAsLong() : null, limit + 1)).stream().map(DriftRows::toDomain).toList();
        return KeysetPage.of(rows, limit, RecordedDrift::id);
    }

    @Override
    public List<ListedPoint.Sighting> sightings(ServerId server) {
        return DatabaseOutOfReach.read("read the server's sightings", () -> sightings.onServer(server.value())).stream()
                .map(row -> new ListedPoint.Sighting(
                new ResourceRef(ResourceRef.Type.BACKUP, row.backupId()), Optional.ofNullable(row.expiresAt()))).toList();
    }

    @Override
    public void replaceSightings(ServerId server, List<ListedPoint.Sighting> seen) {
        // Upserts first: a crash between the two statements leaves more remembered, never less.
        for (ListedPoint.Sighting sighting : seen) {
            DatabaseOutOfReach.write("remember a sighting",
                    () -> sightings.upsert(sighting.ref().id(), server.value(), sighting.expiresAt().orElse(null)));
        }
        Long[] kept = seen.stream().map(s -> s.ref().id()).toArray(Long[]::new);
        DatabaseOutOfReach.write("forget the sightings no longer seen", () -> sightings.forgetOthers(server.value(), kept));
    }

    static RecordedDrift toDomain(DriftRow row) {
        Optional<Drift.Resolution> resolution = row.resolvedAt() == null ? Optional.empty()
                : Optional.of(new Drift.Resolution(row.resolvedAt(), row.resolution()));
        return new RecordedDrift(row.id(), new Drift(new TeamId(row.team()), new ServerId(row.serverId()),
                new ResourceRef(ResourceRef.Type.valueOf(row.resourceType()), row.resourceId()), DriftKind.fromWire(row.kind()),
                row.detectedAt(), row.seen(), resolution));
    }
}
