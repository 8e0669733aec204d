package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Locale;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.RecoveryPointHold;

/** A hold on a snapshot or backup on the wire (ADR 0029); mapped from the domain here only. */
@Serdeable
public record HoldJson(String id, boolean active, String kind, String reason,
                       @JsonProperty("recovery_point") PointJson recoveryPoint, String team,
                       @JsonProperty("placed_by") String placedBy, @JsonProperty("placed_at") String placedAt,
                       @JsonProperty("released_by") @Nullable String releasedBy,
                       @JsonProperty("released_at") @Nullable String releasedAt) {

    /** The held point: {@code snapshot} or {@code backup}, its id, its server. */
    @Serdeable
    public record PointJson(String type, long id, @JsonProperty("server_id") long serverId) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record HoldPageJson(int count, List<HoldJson> results, @Nullable String next) {
    }

    static HoldJson of(RecoveryPointHold h) {
        return new HoldJson(h.id().toString(), h.isActive(), h.kind().wireName(), h.reason().value(),
                new PointJson(h.point().type().name().toLowerCase(Locale.ROOT), h.point().id(), h.server().value()),
                h.team().value(), h.placedBy().wireName(), h.placedAt().toString(),
                h.release().map(r -> r.by().wireName()).orElse(null),
                h.release().map(r -> r.at().toString()).orElse(null));
    }

    /** {@code next}: the last hold's id when more follow, null on the last page (the use case read one more). */
    static HoldPageJson page(KeysetPage<RecoveryPointHold, HoldId> page) {
        return new HoldPageJson(page.items().size(), page.items().stream().map(HoldJson::of).toList(),
                page.next().map(HoldId::toString).orElse(null));
    }
}
