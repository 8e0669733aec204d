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
import jakarta.inject.Named;
import jakarta.validation.Valid;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.vpsrecovery.adapters.http.facade.FacadeJson.SnapshotPageJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.SnapshotJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.SnapshotRestoreJson;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.SnapshotIdParameter;
import org.vpsrecovery.application.plan.PlanDestructiveWorkUseCase;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.application.snapshot.CreateSnapshotUseCase;
import org.vpsrecovery.application.snapshot.DeleteSnapshotCommand;
import org.vpsrecovery.application.snapshot.DeleteSnapshotUseCase;
import org.vpsrecovery.application.snapshot.ListSnapshotsQuery;
import org.vpsrecovery.application.snapshot.ListSnapshotsUseCase;
import org.vpsrecovery.application.restore.RestoreAnswer;
import org.vpsrecovery.application.snapshot.RestoreSnapshotCommand;
import org.vpsrecovery.application.snapshot.SnapshotRestoreStarted;
import org.vpsrecovery.application.snapshot.RestoreSnapshotUseCase;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;

/**
 * VPS.org's snapshot API, governed. The use cases block (provider, database): never on the event loop, except the
 * team's list, which waits on no thread (ADR 0090).
 */
@Controller("/api/v1/snapshots")
@Tag(name = "snapshots", description = "VPS.org's snapshots of the team's servers: at most 5 per server")
// Provider before Common: of two class-level 503s the document keeps the first, and Provider's names Common's too.
@ProblemResponses.Provider
@ProblemResponses.Common
public class SnapshotsController {

    private final ListSnapshotsUseCase list;
    private final CreateSnapshotUseCase create;
    private final RestoreSnapshotUseCase restore;
    private final DeleteSnapshotUseCase delete;
    private final PlanDestructiveWorkUseCase plans;
    private final RequestBodies bodies;
    private final IdempotentRequests idempotent;
    private final ExecutorService blocking;

    public SnapshotsController(ListSnapshotsUseCase list, CreateSnapshotUseCase create,
                               RestoreSnapshotUseCase restore, DeleteSnapshotUseCase delete, PlanDestructiveWorkUseCase plans,
                               RequestBodies bodies, IdempotentRequests idempotent,
                               @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.list = list;
        this.create = create;
        this.restore = restore;
        this.delete = delete;
        this.plans = plans;
        this.bodies = bodies;
        this.idempotent = idempotent;
        this.blocking = blocking;
    }

    /**
     * On the event loop: the list is read without a waiting thread and its answer written where it arrives; whatever
     * would wait runs on the blocking executor (ADR 0090).
     */
    @Get("/")
    @Operation(summary = "The team's snapshots",
            description = "VPS.org's list, narrowed to the servers of the caller's team; `server_id` narrows it to one "
                    + "(sent empty, it narrows nothing, as at VPS.org).")
    @ApiResponse(responseCode = "200", description = "the team's snapshots, VPS.org's list shape",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SnapshotPageJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public CompletableFuture<SnapshotPageJson> listSnapshots(HttpRequest<?> request,
            @Parameter(description = "only this server's snapshots", schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.ID, maxLength = OpenApiPatterns.ID_MAX_LENGTH))
            @Nullable @QueryValue("server_id") String serverId) {
        RequestFields.requireOnce(request, "server_id");
        Optional<ServerId> server = RequestFields.queryFilter(serverId)
                .map(raw -> new ServerId(RequestFields.parseId(raw, "server_id", RequestReason.INVALID_QUERY_PARAMETER)));
        return Answers.unwrapped(list.listSnapshotsWhenAnswered(
                new ListSnapshotsQuery(RequestAttributes.team(request), server), blocking)
                .thenApply(FacadeJsonMapper::snapshots));
    }

    /** An extension VPS.org lacks: one snapshot by id. */
    @Get("/{snapshot_id}/")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(summary = "One snapshot", description = "An extension VPS.org lacks: one of the team's snapshots by id.")
    @ApiResponse(responseCode = "200", description = "the snapshot",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SnapshotJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.NotFound
    public SnapshotJson getSnapshot(HttpRequest<?> request, @SnapshotIdParameter @PathVariable("snapshot_id") String snapshotId) {
        SnapshotId id = snapshotId(snapshotId);
        return list.find(RequestAttributes.team(request), id)
                .map(s -> FacadeJsonMapper.snapshot(s, null))
                .orElseThrow(() -> new ResourceNotFound(ReasonCode.SNAPSHOT_NOT_FOUND, "snapshot " + id + " not found"));
    }

    @Post(value = "/", consumes = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(summary = "Create a snapshot of a server",
            description = "Refused before VPS.org is asked when the server already has 5 (SNAPSHOT_LIMIT_REACHED) or is "
                    + "being restored (400 SERVER_RESTORING, with Retry-After when a restore of the platform holds it: "
                    + "VPS.org overwrites the server's data). Audited. With an Idempotency-Key a repeated request gets the "
                    + "first answer.",
            parameters = @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH)))
    @ApiResponse(responseCode = "201", description = "creation started (status in_progress)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SnapshotJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ProblemResponses.Create
    @ProblemResponses.NotFound
    @ProblemResponses.Change
    @ProblemResponses.Post
    public HttpResponse<?> createSnapshot(HttpRequest<?> request,
            @Valid @Body FacadeRequests.CreateSnapshotRequest body) {
        return idempotent.run(request, bodies.fingerprintText(body), () -> {
            var command = new CreateSnapshotCommand(RequestAttributes.callContext(request),
                    new ServerId(body.serverId()),
                    RequestFields.domainValue("name", body.name(), SnapshotName::new),
                    RequestFields.optionalDomainValue("description", body.description(), Description::new));
            return HttpResponse.created(
                    FacadeJsonMapper.snapshot(create.createSnapshot(command), FacadeJsonMapper.SNAPSHOT_CREATED))
                    .header(RequestAttributes.OPERATION_ID_HEADER, RequestAttributes.operationId(request).toString());
        });
    }

    @Post("/{snapshot_id}/restore/")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(summary = "Restore a server from one of its snapshots",
            description = "The server is then held restoring for the restore window (20 minutes by default, from VPS.org's answer): meanwhile the platform refuses another "
                    + "restore and any deletion on it. Audited. No body. With dry_run=true: the plan instead (200, PlanJson), "
                    + "even when a policy refuses the restore; VPS.org is not asked to change anything. "
                    + SkipSafetySnapshot.RESTORE_NOTE,
            parameters = {@Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH)),
                    @Parameter(name = PlanJson.DRY_RUN, in = ParameterIn.QUERY,
                    description = OpenApiPatterns.DRY_RUN_DESCRIPTION, schema = @Schema(type = "boolean")),
                    @Parameter(name = SkipSafetySnapshot.NAME, in = ParameterIn.QUERY,
                    description = SkipSafetySnapshot.DESCRIPTION, schema = @Schema(type = "boolean"))})
    @ApiResponse(responseCode = "200", description = "restore started (the server is restoring); or, with dry_run=true, "
            + "the plan (PlanJson), also when a policy refuses the restore",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {SnapshotRestoreJson.class, PlanJson.class})),
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
    public HttpResponse<?> restoreSnapshot(HttpRequest<?> request,
                                           @SnapshotIdParameter @PathVariable("snapshot_id") String snapshotId) {
        SnapshotId id = snapshotId(snapshotId);
        boolean skip = SkipSafetySnapshot.requested(request);
        if (PlanJson.requested(request)) {
            return HttpResponse.ok(PlanJson.of(plans.planRestoreSnapshot(RequestAttributes.callContext(request), id, skip)));
        }
        return idempotent.run(request, skip ? SkipSafetySnapshot.NAME : "", () -> {
            var answer = restore.requestRestore(new RestoreSnapshotCommand(RequestAttributes.callContext(request), id, skip));
            io.micronaut.http.MutableHttpResponse<?> response = switch (answer) {
                case RestoreAnswer.Started<SnapshotRestoreStarted> started ->
                        HttpResponse.ok(FacadeJsonMapper.restore(started.started()));
                case RestoreAnswer.AwaitingSafetySnapshot<SnapshotRestoreStarted> waiting ->
                        HttpResponse.accepted().body(OperationJson.of(waiting.restore()));
                case RestoreAnswer.PendingApproval<SnapshotRestoreStarted> pending ->
                        HttpResponse.accepted().body(OperationJson.of(pending.restore()));
            };
            return response.header(RequestAttributes.OPERATION_ID_HEADER, RequestAttributes.operationId(request).toString());
        });
    }

    @Delete("/{snapshot_id}/")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(summary = "Delete a snapshot", description = "Permanent. Refused while its server is being restored (400 SERVER_RESTORING), and while a "
            + "restore reads it (409 RECOVERY_POINT_IN_USE), and while it is held (409 RECOVERY_POINT_HELD). Audited. "
            + "With dry_run=true: the plan instead (200), even when a policy refuses the delete; nothing is deleted.",
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
    public HttpResponse<?> deleteSnapshot(HttpRequest<?> request,
                                          @SnapshotIdParameter @PathVariable("snapshot_id") String snapshotId) {
        if (PlanJson.requested(request)) {
            return HttpResponse.ok(PlanJson.of(plans.planDeleteSnapshot(RequestAttributes.callContext(request),
                    snapshotId(snapshotId))));
        }
        return idempotent.run(request, "", () -> OperationJson.deleteAnswer(request,
                delete.requestDeleteSnapshot(new DeleteSnapshotCommand(RequestAttributes.callContext(request),
                        snapshotId(snapshotId)))));
    }

    private static SnapshotId snapshotId(String raw) {
        return new SnapshotId(RequestFields.parseId(raw, "snapshot_id", RequestReason.INVALID_ID));
    }
}
