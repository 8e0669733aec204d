package org.vpsrecovery.adapters.persistence.hold;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;
import org.vpsrecovery.adapters.persistence.teamlimit.TeamLimitedInsert;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldKind;
import org.vpsrecovery.domain.hold.HoldLimits;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.server.ServerId;

/** The holds in PostgreSQL, through a Micronaut Data repository; the one place rows and domain meet. */
public final class HoldRows implements RecoveryPointHolds {

    /** "VPSH": the advisory-lock namespace of a team's hold placements, keyed by {@code hashtext(team)}. */
    static final int TEAM_HOLDS_NAMESPACE = 0x56505348;

    /**
     * Counted in the insert's own statement, under the team's lock ({@link TeamLimitedInsert}): the active holds of the
     * kind on the servers the team owns now, whoever they were placed for (ADR 0029, amended in sessions 48 and 49),
     * and the point's. The point's server lock alone would not do: a team's points are on many servers. Every placement
     * on those servers is the team's (a hold is filed under its server's owner), so the team's lock serializes them.
     */
    static final String INSERT_WITHIN_LIMITS = """
            INSERT INTO recovery_point_hold (id, team, server_id, resource_type, resource_id, kind, reason, placed_by,
                placed_at)
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?
            WHERE (SELECT count(*) FROM recovery_point_hold
                   WHERE released_at IS NULL AND kind = ? AND server_id = ANY(?)) < ?
              AND (SELECT count(*) FROM recovery_point_hold
                   WHERE released_at IS NULL AND resource_type = ? AND resource_id = ? AND kind = ?) < ?""";

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final HoldRowRepository rows;
    private final TeamLimitedInsert withinLimits;

    /** {@code pool}: the connection pool itself (PostgresAdapterFactory.pooled), for the placement's own transaction. */
    public HoldRows(HoldRowRepository rows, DataSource pool) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.withinLimits = new TeamLimitedInsert(pool, TEAM_HOLDS_NAMESPACE, INSERT_WITHIN_LIMITS);
    }

    @Override
    public boolean placeWithin(RecoveryPointHold hold, HoldLimits limits, Set<ServerId> teamsServers) {
        if (!hold.isActive()) {
            throw new IllegalArgumentException("a new hold is active");
        }
        HoldRow r = toRow(hold);
        return withinLimits.insert(r.team(), List.of(r.id(), r.team(), r.serverId(), r.resourceType(), r.resourceId(),
                        r.kind(), r.reason(), r.placedBy(), OffsetDateTime.ofInstant(r.placedAt(), ZoneOffset.UTC),
                        r.kind(), serverIds(teamsServers), (long) limits.activePerTeam(),
                        r.resourceType(), r.resourceId(), r.kind(), (long) limits.activePerPoint()),
                "could not store the hold: the database did not answer", RETRY_AFTER);
    }

    @Override
    public int activeCountOn(Set<ServerId> servers, HoldKind kind) {
        // Counted under a point's lock by a placement: an exhausted pool is a 503 and a REJECTED, not a 500.
        return Math.toIntExact(DatabaseOutOfReach.read("count the team's active holds",
                () -> rows.countActiveOn(kind.wireName(), serverIds(servers))));
    }

    static Long[] serverIds(Set<ServerId> servers) {
        return servers.stream().map(ServerId::value).toArray(Long[]::new);
    }

    @Override
    public void place(RecoveryPointHold hold) {
        if (!hold.isActive()) {
            throw new IllegalArgumentException("a new hold is active");
        }
        HoldRow row = toRow(hold);
        DatabaseOutOfReach.write("store the hold", () -> rows.save(row));
    }

    @Override
    public boolean release(RecoveryPointHold released) {
        RecoveryPointHold.Release release = released.release()
                .orElseThrow(() -> new IllegalArgumentException("a release names who released the hold"));
        return DatabaseOutOfReach.write("release the hold",
                () -> rows.releaseActive(released.id().value(), release.by().wireName(), release.at())) == 1;
    }

    @Override
    public Optional<RecoveryPointHold> find(HoldId id) {
        // The holds' reads answer 503 when the database is out of reach, as every read (session 38).
        return DatabaseOutOfReach.read("read the hold", () -> rows.findById(id.value())).map(HoldRows::toDomain);
    }

    @Override
    public List<RecoveryPointHold> page(ResourceRef point, Optional<HoldId> after, int limit) {
        RecoveryPointHolds.requirePage(limit);
        return DatabaseOutOfReach.read("read the holds on a recovery point", () -> rows.pageOnPoint(point.type().name(),
                point.id(), after.map(HoldId::value).orElse(null), limit)).stream().map(HoldRows::toDomain).toList();
    }

    @Override
    public List<RecoveryPointHold> activeOn(ResourceRef point) {
        return DatabaseOutOfReach.read("read the active holds on a recovery point",
                () -> rows.activeOnPoint(point.type().name(), point.id())).stream().map(HoldRows::toDomain).toList();
    }

    @Override
    public Set<ResourceRef> heldAmong(Collection<ResourceRef> points) {
        Set<ResourceRef> held = new HashSet<>();
        for (ResourceRef.Type type : ResourceRef.Type.values()) {
            Long[] ids = points.stream().filter(p -> p.type() == type).map(ResourceRef::id).distinct().toArray(Long[]::new);
            if (ids.length > 0) {
                // A delete's check and retention's verdicts: a 503, not a 500 (session 40).
                DatabaseOutOfReach.read("read which recovery points are held", () -> rows.activeAmong(type.name(), ids))
                        .forEach(row -> held.add(new ResourceRef(type, row.resourceId())));
            }
        }
        return held;
    }

    static HoldRow toRow(RecoveryPointHold h) {
        return new HoldRow(h.id().value(), h.team().value(), h.server().value(), h.point().type().name(), h.point().id(),
                h.kind().wireName(), h.reason().value(), h.placedBy().wireName(), h.placedAt(),
                h.release().map(r -> r.by().wireName()).orElse(null), h.release().map(RecoveryPointHold.Release::at).orElse(null));
    }

    static RecoveryPointHold toDomain(HoldRow r) {
        Optional<RecoveryPointHold.Release> release = r.releasedAt() == null ? Optional.empty()
                : Optional.of(new RecoveryPointHold.Release(HoldActor.parse(r.releasedBy()), r.releasedAt()));
        return new RecoveryPointHold(new HoldId(r.id()), new TeamId(r.team()), new ServerId(r.serverId()),
                new ResourceRef(ResourceRef.Type.valueOf(r.resourceType()), r.resourceId()),
                HoldKind.valueOf(r.kind().toUpperCase(Locale.ROOT)), new HoldReason(r.reason()),
                HoldActor.parse(r.placedBy()), r.placedAt(), release);
    }
}
