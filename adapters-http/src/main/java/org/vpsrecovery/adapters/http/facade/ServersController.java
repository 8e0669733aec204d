package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.Set;
import org.vpsrecovery.adapters.http.facade.FacadeJson.BackupRestoreJson;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.ServerIdParameter;
import org.vpsrecovery.application.backup.BackupRestoreStarted;
import org.vpsrecovery.application.backup.RestoreServerFromBackupCommand;
import org.vpsrecovery.application.restore.RestoreAnswer;
import org.vpsrecovery.application.plan.PlanDestructiveWorkUseCase;
import org.vpsrecovery.application.backup.RestoreServerFromBackupUseCase;
import org.vpsrecovery.application.server.GetServerUseCase;
import org.vpsrecovery.application.server.ReleaseRestoreHoldCommand;
import org.vpsrecovery.application.server.ReleaseRestoreHoldUseCase;
import org.vpsrecovery.application.server.ReleasedRestoreHold;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The one call of VPS.org's Servers API this platform governs, restore a server from a backup; and
 * the platform's extensions for a restore's hold on its server (ADR 0026): read it, end it early.
 */
@Controller("/api/v1/servers")
@Tag(name = "servers", description = "VPS.org's Servers API, as far as this platform governs it: restore from a "
        + "backup; and the platform's restore hold on a server (read, released early)")
// Provider before Common: of two class-level 503s the document keeps the first, and Provider's names Common's too.
@ProblemResponses.Provider
@ProblemResponses.Common
@ExecuteOn(TaskExecutors.BLOCKING)
public class ServersController {

    private final RestoreServerFromBackupUseCase restore;
    private final GetServerUseCase servers;
    private final ReleaseRestoreHoldUseCase release;
    private final RequestBodies bodies;
    private final IdempotentRequests idempotent;
    private final PlanDestructiveWorkUseCase plans;

    public ServersController(RestoreServerFromBackupUseCase restore, GetServerUseCase servers,
                             ReleaseRestoreHoldUseCase release, RequestBodies bodies, IdempotentRequests idempotent,
                             PlanDestructiveWorkUseCase plans) {
        this.plans = plans;
        this.restore = restore;
        this.servers = servers;
        this.release = release;
        this.bodies = bodies;
        this.idempotent = idempotent;
    }

    @Get("/{server_id}/")
    @Operation(summary = "A server as the platform knows it, with its restore hold",
            description = "VPS.org's server object as its restore answer shows it (id, name, status), plus the platform "
                    + "extension `x_vpsr_restore`: the hold a restore puts on the server (state, since, until, operation_id, "
                    + "source), or null. VPS.org has no server read: `status` is `restoring` while held, otherwise "
                    + "`unknown`; `name` is empty. No call reaches VPS.org."
                    + " It takes no query parameter: any is 400 UNKNOWN_QUERY_PARAMETER.")
    @ApiResponse(responseCode = "200", description = "the server",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ServerStateJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.NotFound
    public ServerStateJson getServer(HttpRequest<?> request, @ServerIdParameter @PathVariable("server_id") String serverId) {
        ServerId server = new ServerId(RequestFields.parseId(serverId, "server_id", RequestReason.INVALID_ID));
        StrictQueryParameters.check(request, Set.of());
        TeamId team = RequestAttributes.callContext(request).team();
        return ServerStateJson.of(servers.getServer(team, server), team);
    }

    @Delete("/{server_id}/restore-hold/")
    @Operation(summary = "End a restore's hold on the server early",
            description = "For the owning team, when it knows the restore is over before the window ends: the server then "
                    + "takes a new restore, and the restore's source may be deleted. The restore's operation ends "
                    + "`released`; its audit history ends UNVERIFIABLE RESTORE_HOLD_RELEASED (VPS.org has no server status "
                    + "read). The release is audited as RELEASE_RESTORE_HOLD. No call reaches VPS.org. "
                    + "No hold: 409 NO_RESTORE_HOLD. A restore another team asked before a change of the teams file gave "
                    + "the caller the server is released too, answered without that team's operation.")
    @ApiResponse(responseCode = "200", description = "released: the restore's operation, now final (OperationJson); when "
            + "another team asked the restore, only the hold released (ReleasedRestoreHoldJson)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(oneOf = {OperationJson.class, ReleasedRestoreHoldJson.class})),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.NotFound
    @ProblemResponses.Change
    public HttpResponse<?> releaseRestoreHold(HttpRequest<?> request,
                                              @ServerIdParameter @PathVariable("server_id") String serverId) {
        ServerId server = new ServerId(RequestFields.parseId(serverId, "server_id", RequestReason.INVALID_ID));
        ReleasedRestoreHold released = release.releaseRestoreHold(
                new ReleaseRestoreHoldCommand(RequestAttributes.callContext(request), server));
        return released.restore().<HttpResponse<?>>map(restore -> HttpResponse.ok(OperationJson.of(restore)))
                .orElseGet(() -> HttpResponse.ok(ReleasedRestoreHoldJson.of(released)));
    }

    @Post(value = "/{server_id}/restore/", consumes = MediaType.APPLICATION_JSON)
    @Operation(summary = "Restore a server from one of its backups",
            description = "The server is then held restoring for the backup restore window (60 minutes by default, from VPS.org's answer): meanwhile the platform refuses another "
                    + "restore, any deletion on it, and the deletion of the backup it reads (also another server's); "
                    + "GET /api/v1/servers/{id}/ shows the hold, DELETE .../restore-hold/ ends it early. Audited. With an Idempotency-Key a repeated request gets the "
                    + "first answer. With dry_run=true: the plan instead (200, PlanJson), even when a policy refuses the "
                    + "restore; VPS.org is not asked to change anything. " + SkipSafetySnapshot.RESTORE_NOTE,
            parameters = {@Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH)),
                    @Parameter(name = PlanJson.DRY_RUN, in = ParameterIn.QUERY,
                    description = OpenApiPatterns.DRY_RUN_DESCRIPTION, schema = @Schema(type = "boolean")),
                    @Parameter(name = SkipSafetySnapshot.NAME, in = ParameterIn.QUERY,
                    description = SkipSafetySnapshot.DESCRIPTION, schema = @Schema(type = "boolean"))})
    @ApiResponse(responseCode = "200", description = "restore started (the server is restoring); or, with dry_run=true, "
            + "the plan (PlanJson), also when a policy refuses the restore",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {BackupRestoreJson.class, PlanJson.class})),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.RESTORE_OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ApiResponse(responseCode = "202", description = SkipSafetySnapshot.WAITING_ANSWER + "; or " + OperationJson.PENDING_APPROVAL_ANSWER,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperationJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ProblemResponses.Restore
    @ProblemResponses.NotFound
    @ProblemResponses.Change
    @ProblemResponses.Post
    public HttpResponse<?> restoreFromBackup(HttpRequest<?> request,
            @ServerIdParameter @PathVariable("server_id") String serverId,
            @Valid @Body FacadeRequests.RestoreFromBackupRequest body) {
        ServerId server = new ServerId(RequestFields.parseId(serverId, "server_id", RequestReason.INVALID_ID));
        boolean skip = SkipSafetySnapshot.requested(request);
        if (PlanJson.requested(request)) {
            return HttpResponse.ok(PlanJson.of(plans.planRestoreServerFromBackup(RequestAttributes.callContext(request),
                    server, new BackupId(body.backupId()), skip)));
        }
        String fingerprint = bodies.fingerprintText(body) + (skip ? " " + SkipSafetySnapshot.NAME : "");
        return idempotent.run(request, fingerprint, () -> {
            BackupId backup = new BackupId(body.backupId());
            var answer = restore.requestRestore(
                    new RestoreServerFromBackupCommand(RequestAttributes.callContext(request), server, backup, skip));
            io.micronaut.http.MutableHttpResponse<?> response = switch (answer) {
                case RestoreAnswer.Started<BackupRestoreStarted> started ->
                        HttpResponse.ok(FacadeJsonMapper.restore(started.started()));
                case RestoreAnswer.AwaitingSafetySnapshot<BackupRestoreStarted> waiting ->
                        HttpResponse.accepted().body(OperationJson.of(waiting.restore()));
                case RestoreAnswer.PendingApproval<BackupRestoreStarted> pending ->
                        HttpResponse.accepted().body(OperationJson.of(pending.restore()));
            };
            return response.header(RequestAttributes.OPERATION_ID_HEADER, RequestAttributes.operationId(request).toString());
        });
    }
}
