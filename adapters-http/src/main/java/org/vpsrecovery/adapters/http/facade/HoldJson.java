package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Locale;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.hold.RecoveryPointHold;

/**
 * A hold on a snapshot or backup on the wire (ADR 0029); mapped from the domain here only. A hold placed for another team
 * (the server's owner before a teams-file move) is told without that team: no {@code team}, no {@code reason}, and its
 * actors {@value #FORMER_OWNER} (ADR 0029, amended in session 48).
 */
@Serdeable
public record HoldJson(String id, boolean active, String kind,
                       @Schema(description = "null on a hold placed for the server's former owner (a teams-file move)",
                               nullable = true) @Nullable String reason,
                       @JsonProperty("recovery_point") PointJson recoveryPoint,
                       @Schema(description = "the team the hold was placed for; null when that is the server's former "
                               + "owner (a teams-file move)", nullable = true) @Nullable String team,
                       @Schema(description = "team:<id>, auditor:<name>, or " + FORMER_OWNER + " for the team that owned "
                               + "the server before a teams-file move") @JsonProperty("placed_by") String placedBy,
                       @JsonProperty("placed_at") String placedAt,
                       @Schema(description = "as placed_by; null while active", nullable = true)
                       @JsonProperty("released_by") @Nullable String releasedBy,
                       @JsonProperty("released_at") @Nullable String releasedAt) {

    /** Who acted, told to a team that is not the one that did: the server's owner before a teams-file move. */
    public static final String FORMER_OWNER = "former_owner";

    /** The held point: {@code snapshot} or {@code backup}, its id, its server. */
    @Serdeable
    public record PointJson(String type, long id, @JsonProperty("server_id") long serverId) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record HoldPageJson(int count, List<HoldJson> results, @Nullable String next) {
    }

    /** {@code asker}: who asked, told what the domain tells it of the hold ({@code RecoveryPointHold.*ToldTo}). */
    static HoldJson of(RecoveryPointHold h, HoldActor asker) {
        return new HoldJson(h.id().toString(), h.isActive(), h.kind().wireName(),
                h.reasonToldTo(asker).map(HoldReason::value).orElse(null),
                new PointJson(h.point().type().name().toLowerCase(Locale.ROOT), h.point().id(), h.server().value()),
                h.teamToldTo(asker).map(TeamId::value).orElse(null), actor(h.placedBy(), asker), h.placedAt().toString(),
                h.release().map(r -> actor(r.by(), asker)).orElse(null),
                h.release().map(r -> r.at().toString()).orElse(null));
    }

    private static String actor(HoldActor actor, HoldActor asker) {
        return RecoveryPointHold.actorToldTo(actor, asker).map(HoldActor::wireName).orElse(FORMER_OWNER);
    }

    /** {@code next}: the last hold's id when more follow, null on the last page (the use case read one more). */
    static HoldPageJson page(KeysetPage<RecoveryPointHold, HoldId> page, HoldActor asker) {
        return new HoldPageJson(page.items().size(), page.items().stream().map(h -> of(h, asker)).toList(),
                page.next().map(HoldId::toString).orElse(null));
    }
}
