package org.vpsrecovery.adapters.persistence.hold;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldKind;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.server.ServerId;

/** The holds in PostgreSQL, through a Micronaut Data repository; the one place rows and domain meet. */
public final class HoldRows implements RecoveryPointHolds {

    private final HoldRowRepository rows;

    public HoldRows(HoldRowRepository rows) {
        this.rows = Objects.requireNonNull(rows, "rows");
    }

    @Override
    public void place(RecoveryPointHold hold) {
        if (!hold.isActive()) {
            throw new IllegalArgumentException("a new hold is active");
        }
        rows.save(toRow(hold));
    }

    @Override
    public boolean release(RecoveryPointHold released) {
        RecoveryPointHold.Release release = released.release()
                .orElseThrow(() -> new IllegalArgumentException("a release names who released the hold"));
        return rows.releaseActive(released.id().value(), release.by().wireName(), release.at()) == 1;
    }

    @Override
    public Optional<RecoveryPointHold> find(HoldId id) {
        try {
            return rows.findById(id.value()).map(HoldRows::toDomain);
        } catch (RuntimeException e) {
            // The holds' reads answer 503 when the database is out of reach, as every read (session 38).
            throw DatabaseOutOfReach.unavailableOr("read the hold", e);
        }
    }

    @Override
    public List<RecoveryPointHold> on(ResourceRef point) {
        try {
            return rows.onPoint(point.type().name(), point.id()).stream().map(HoldRows::toDomain).toList();
        } catch (RuntimeException e) {
            throw DatabaseOutOfReach.unavailableOr("read the holds on a recovery point", e);
        }
    }

    @Override
    public Set<ResourceRef> heldAmong(Collection<ResourceRef> points) {
        Set<ResourceRef> held = new HashSet<>();
        for (ResourceRef.Type type : ResourceRef.Type.values()) {
            Long[] ids = points.stream().filter(p -> p.type() == type).map(ResourceRef::id).distinct().toArray(Long[]::new);
            if (ids.length > 0) {
                rows.activeAmong(type.name(), ids).forEach(row -> held.add(new ResourceRef(type, row.resourceId())));
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
