package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.vpsrecovery.adapters.http.facade.FacadeJson.BackupRestoreJson;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.ServerIdParameter;
import org.vpsrecovery.application.backup.RestoreServerFromBackupCommand;
import org.vpsrecovery.application.backup.RestoreServerFromBackupUseCase;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.server.ServerId;

/** The one call of VPS.org's Servers API this platform governs: restore a server from a backup. */
@Controller("/api/v1/servers")
@Tag(name = "servers", description = "VPS.org's Servers API, as far as this platform governs it: restore from a backup")
@ProblemResponses.Common
@ProblemResponses.Provider
@ExecuteOn(TaskExecutors.BLOCKING)
public class ServersController {

    private final RestoreServerFromBackupUseCase restore;
    private final RequestBodies bodies;
    private final IdempotentRequests idempotent;

    public ServersController(RestoreServerFromBackupUseCase restore, RequestBodies bodies, IdempotentRequests idempotent) {
        this.restore = restore;
        this.bodies = bodies;
        this.idempotent = idempotent;
    }

    @Post(value = "/{server_id}/restore/", consumes = MediaType.APPLICATION_JSON)
    @Operation(summary = "Restore a server from one of its backups",
            description = "The server is then restoring for up to 15 minutes: meanwhile the platform refuses another "
                    + "restore and any deletion on it. Audited. With an Idempotency-Key a repeated request gets the "
                    + "first answer.",
            parameters = @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH)))
    @ApiResponse(responseCode = "200", description = "restore started (the server is restoring)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BackupRestoreJson.class)))
    @ProblemResponses.NotFound
    @ProblemResponses.Change
    @ProblemResponses.Post
    public HttpResponse<?> restoreFromBackup(HttpRequest<?> request,
            @ServerIdParameter @PathVariable("server_id") String serverId,
            @Valid @Body FacadeRequests.RestoreFromBackupRequest body) {
        ServerId server = new ServerId(RequestFields.parseId(serverId, "server_id", RequestReason.INVALID_ID));
        return idempotent.run(request, bodies.fingerprintText(body), () -> {
            BackupId backup = new BackupId(body.backupId());
            return HttpResponse.ok(FacadeJsonMapper.restore(restore.restoreServerFromBackup(
                    new RestoreServerFromBackupCommand(RequestAttributes.callContext(request), server, backup))))
                    .header(RequestAttributes.OPERATION_ID_HEADER, RequestAttributes.operationId(request).toString());
        });
    }
}
