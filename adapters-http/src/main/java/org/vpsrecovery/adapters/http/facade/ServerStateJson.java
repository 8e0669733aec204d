package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.RestoreHold;
import org.vpsrecovery.domain.server.Server;

/**
 * A server on {@code GET /api/v1/servers/{id}/}: VPS.org's server object as its restore answer
 * shows it ({@code id}, {@code name}, {@code status}), plus one platform extension,
 * {@code x_vpsr_restore}: the restore hold, or null when the platform holds nothing (ADR 0026).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServerStateJson(
        long id,
        @Schema(description = "VPS.org has no server read and the platform keeps no names: empty", maxLength = 255)
        String name,
        @Schema(description = "restoring while held; otherwise unknown (VPS.org has no server status read)",
                allowableValues = {"restoring", "unknown"})
        String status,
        @Schema(description = "Platform extension: the restore hold, null when there is none", nullable = true)
        @JsonProperty("x_vpsr_restore") @Nullable RestoreHoldJson restore) {

    /**
     * A restore's hold on the server: from when the restore began (its intent; for an approved restore its run after
     * the approval, not its ask: ADR 0040, amended in session 43) until its window ends, or its owner releases it.
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RestoreHoldJson(
            @Schema(allowableValues = {"restoring"}) String state,
            @Schema(description = "when the restore began (UTC): when it was accepted, or for a restore that waited "
                    + "for approval when it ran after the approval", format = "date-time") String since,
            @Schema(description = "when the window ends and the hold with it (UTC)", format = "date-time") String until,
            @Schema(description = "the restore's operation (GET /api/v1/operations/{id}/); null when another team "
                    + "asked the restore before the server became the caller's", format = "uuid", nullable = true)
            @JsonProperty("operation_id") @Nullable String operationId,
            @Schema(description = "null when another team asked the restore", nullable = true)
            @Nullable RecoverySourceJson source) {
    }

    /** The snapshot or backup the restore reads, and its server (another one for a backup of another server). */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RecoverySourceJson(
            @Schema(allowableValues = {"snapshot", "backup"}) String type,
            long id,
            @JsonProperty("server_id") long serverId) {
    }

    /** {@code caller}: the team asking, shown a hold's operation and source only if it asked the restore. */
    static ServerStateJson of(Server server, TeamId caller) {
        return new ServerStateJson(server.id().value(), server.ref().name(), server.status().label(),
                server.hold().map(hold -> hold(hold, caller)).orElse(null));
    }

    private static RestoreHoldJson hold(RestoreHold hold, TeamId caller) {
        // The former owner's restore (the teams file moved the server): its window only (ADR 0026, amended in sessions
        // 38 and 39).
        return new RestoreHoldJson("restoring", hold.since().toString(), hold.until().toString(),
                hold.operationToldTo(caller).map(Object::toString).orElse(null),
                hold.sourceToldTo(caller).map(source -> new RecoverySourceJson(source.kind().wireName(), source.id(),
                        source.server().value())).orElse(null));
    }
}
