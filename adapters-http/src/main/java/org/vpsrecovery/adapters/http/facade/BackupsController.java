package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
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
import java.util.Optional;
import org.vpsrecovery.adapters.http.facade.FacadeJson.BackupJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.BackupPageJson;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.BackupIdParameter;
import org.vpsrecovery.application.backup.CreateManualBackupCommand;
import org.vpsrecovery.application.plan.PlanDestructiveWorkUseCase;
import org.vpsrecovery.application.backup.CreateManualBackupUseCase;
import org.vpsrecovery.application.backup.DeleteBackupCommand;
import org.vpsrecovery.application.backup.DeleteBackupUseCase;
import org.vpsrecovery.application.backup.ListBackupsQuery;
import org.vpsrecovery.application.backup.ListBackupsUseCase;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.backup.BackupTypeFilter;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.server.ServerId;

/** VPS.org's backup API, governed. */
@Controller("/api/v1/backups")
@Tag(name = "backups", description = "VPS.org's backups of the team's servers: manual ones (at most 10 per server) "
        + "and automatic ones, which expire")
// Provider before Common: of two class-level 503s the document keeps the first, and Provider's names Common's too.
@ProblemResponses.Provider
@ProblemResponses.Common
@ExecuteOn(TaskExecutors.BLOCKING)
public class BackupsController {

    private final ListBackupsUseCase list;
    private final CreateManualBackupUseCase create;
    private final DeleteBackupUseCase delete;
    private final PlanDestructiveWorkUseCase plans;
    private final RequestBodies bodies;
    private final IdempotentRequests idempotent;

    public BackupsController(ListBackupsUseCase list, CreateManualBackupUseCase create, DeleteBackupUseCase delete, PlanDestructiveWorkUseCase plans,
                             RequestBodies bodies, IdempotentRequests idempotent) {
        this.list = list;
        this.create = create;
        this.delete = delete;
        this.plans = plans;
        this.bodies = bodies;
        this.idempotent = idempotent;
    }

    @Get("/")
    @Operation(summary = "The team's backups",
            description = "VPS.org's list, narrowed to the servers of the caller's team; `server_id` and `backup_type` "
                    + "narrow it further (sent empty, they narrow nothing, as at VPS.org).")
    @ApiResponse(responseCode = "200", description = "the team's backups, VPS.org's list shape",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BackupPageJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public BackupPageJson listBackups(HttpRequest<?> request,
            @Parameter(description = "only this server's backups", schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.ID, maxLength = OpenApiPatterns.ID_MAX_LENGTH))
            @Nullable @QueryValue("server_id") String serverId,
            @Parameter(description = "only backups of this type: manual, automatic, or a type VPS.org does not document "
                    + "but lists (such as weekly), matched ignoring case",
                    schema = @Schema(type = "string", pattern = "^" + BackupTypeFilter.RULE + "$",
                            maxLength = BackupType.LABEL_MAX_LENGTH))
            @Nullable @QueryValue("backup_type") String backupType) {
        RequestFields.requireOnce(request, "server_id");
        Optional<ServerId> server = RequestFields.queryFilter(serverId)
                .map(raw -> new ServerId(RequestFields.parseId(raw, "server_id", RequestReason.INVALID_QUERY_PARAMETER)));
        // Sent empty, no filter (as at VPS.org); a type the list may show is a word, anything else can name none.
        Optional<BackupTypeFilter> type = RequestFields.queryFilter(backupType).map(raw -> {
            try {
                return new BackupTypeFilter(raw);
            } catch (IllegalArgumentException notAWord) {
                throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, "backup_type",
                        "backup_type must be manual, automatic or another type's word: " + notAWord.getMessage());
            }
        });
        return FacadeJsonMapper.backups(list.listBackups(new ListBackupsQuery(RequestAttributes.team(request), server, type)));
    }

    /** An extension VPS.org lacks: one backup by id. */
    @Get("/{backup_id}/")
    @Operation(summary = "One backup", description = "An extension VPS.org lacks: one of the team's backups by id.")
    @ApiResponse(responseCode = "200", description = "the backup",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BackupJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.NotFound
    public BackupJson getBackup(HttpRequest<?> request, @BackupIdParameter @PathVariable("backup_id") String backupId) {
        BackupId id = backupId(backupId);
        return list.find(RequestAttributes.team(request), id)
                .map(b -> FacadeJsonMapper.backup(b, null))
                .orElseThrow(() -> new ResourceNotFound(ReasonCode.BACKUP_NOT_FOUND, "backup " + id + " not found"));
    }

    @Post(value = "/", consumes = MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a manual backup of a server",
            description = "Refused before VPS.org is asked when the server already has 10 manual backups "
                    + "(MANUAL_BACKUP_LIMIT_REACHED) or is being restored (400 SERVER_RESTORING, with Retry-After when a "
                    + "restore of the platform holds it: VPS.org overwrites the server's data). Manual backups never expire. "
                    + "Audited. With an Idempotency-Key a repeated request gets the first answer.",
            parameters = @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH)))
    @ApiResponse(responseCode = "201", description = "creation started (status in_progress)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BackupJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ProblemResponses.Create
    @ProblemResponses.NotFound
    @ProblemResponses.Change
    @ProblemResponses.Post
    public HttpResponse<?> createBackup(HttpRequest<?> request,
            @Valid @Body FacadeRequests.CreateBackupRequest body) {
        return idempotent.run(request, bodies.fingerprintText(body), () -> {
            var command = new CreateManualBackupCommand(RequestAttributes.callContext(request),
                    new ServerId(body.serverId()),
                    RequestFields.optionalDomainValue("description", body.description(), Description::new));
            return HttpResponse.created(
                    FacadeJsonMapper.backup(create.createManualBackup(command), FacadeJsonMapper.BACKUP_CREATED))
                    .header(RequestAttributes.OPERATION_ID_HEADER, RequestAttributes.operationId(request).toString());
        });
    }

    @Delete("/{backup_id}/")
    @Operation(summary = "Delete a backup", description = "Permanent. Refused while its server is being restored (400 SERVER_RESTORING), and while a "
            + "restore reads it, on this server or another (409 RECOVERY_POINT_IN_USE), and while it is held (409 "
            + "RECOVERY_POINT_HELD). Audited. With dry_run=true: the plan instead (200), even when a policy refuses the "
            + "delete; nothing is deleted.",
            parameters = {@Parameter(name = PlanJson.DRY_RUN, in = ParameterIn.QUERY,
                    description = OpenApiPatterns.DRY_RUN_DESCRIPTION, schema = @Schema(type = "boolean")),
                    @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH))})
    @ApiResponse(responseCode = "204", description = "deleted",
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ApiResponse(responseCode = "202", description = OperationJson.PENDING_APPROVAL_ANSWER,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperationJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ApiResponse(responseCode = "200", description = "dry_run=true: the plan (also when a policy refuses the action; nothing was done)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"}))})
    @ProblemResponses.Delete
    @ProblemResponses.NotFound
    @ProblemResponses.Change
    @ProblemResponses.KeyReused
    public HttpResponse<?> deleteBackup(HttpRequest<?> request,
                                        @BackupIdParameter @PathVariable("backup_id") String backupId) {
        if (PlanJson.requested(request)) {
            return HttpResponse.ok(PlanJson.of(plans.planDeleteBackup(RequestAttributes.callContext(request),
                    backupId(backupId))));
        }
        return idempotent.run(request, "", () -> OperationJson.deleteAnswer(request,
                delete.requestDeleteBackup(new DeleteBackupCommand(RequestAttributes.callContext(request),
                        backupId(backupId)))));
    }

    static BackupId backupId(String raw) {
        return new BackupId(RequestFields.parseId(raw, "backup_id", RequestReason.INVALID_ID));
    }
}
