package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import org.vpsrecovery.application.server.ReleasedRestoreHold;

/**
 * {@code DELETE /api/v1/servers/{id}/restore-hold/}'s answer to a team that did not ask the restore (a change of the
 * teams file gave it the server since): its server's hold is released. The restore's operation, its team, request and
 * point are the asking team's, and are not told (ADR 0026, amended in session 39); the team that asked is answered
 * with the operation itself, as before. Every member is required: a {@code @Schema} on a member makes micronaut-openapi
 * leave it out of {@code required}, and with none required the answer's {@code oneOf} matched an operation too, which
 * generated clients refuse (session 52).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(description = "the hold on the caller's server released, when another team asked the restore before the "
        + "server became the caller's")
public record ReleasedRestoreHoldJson(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "int64", minimum = "1", maximum = OpenApiPatterns.ID_MAXIMUM)
        @JsonProperty("server_id") long serverId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"released"}) String state,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "when the hold began (UTC): the restore was accepted, or for a restore that waited for "
                + "approval it ran after the approval", format = "date-time", maxLength = OpenApiPatterns.TIME_MAX_LENGTH)
        String since,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "when the hold's window would have ended (UTC)", format = "date-time", maxLength = OpenApiPatterns.TIME_MAX_LENGTH) String until,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "when it was released (UTC)", format = "date-time", maxLength = OpenApiPatterns.TIME_MAX_LENGTH)
        @JsonProperty("released_at") String releasedAt) {

    static ReleasedRestoreHoldJson of(ReleasedRestoreHold released) {
        return new ReleasedRestoreHoldJson(released.server().value(), "released", released.since().toString(),
                released.until().toString(), released.releasedAt().toString());
    }
}
