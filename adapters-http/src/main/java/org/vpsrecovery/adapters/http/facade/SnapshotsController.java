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
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import java.util.Optional;
import org.vpsrecovery.adapters.http.facade.FacadeJson.PageJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.SnapshotJson;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.application.snapshot.CreateSnapshotUseCase;
import org.vpsrecovery.application.snapshot.DeleteSnapshotCommand;
import org.vpsrecovery.application.snapshot.DeleteSnapshotUseCase;
import org.vpsrecovery.application.snapshot.ListSnapshotsQuery;
import org.vpsrecovery.application.snapshot.ListSnapshotsUseCase;
import org.vpsrecovery.application.snapshot.RestoreSnapshotCommand;
import org.vpsrecovery.application.snapshot.RestoreSnapshotUseCase;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;

/** VPS.org's snapshot API, governed. The use cases block (provider, database): never on the event loop. */
@Controller("/api/v1/snapshots")
@ExecuteOn(TaskExecutors.BLOCKING)
public class SnapshotsController {

    private final ListSnapshotsUseCase list;
    private final CreateSnapshotUseCase create;
    private final RestoreSnapshotUseCase restore;
    private final DeleteSnapshotUseCase delete;
    private final RequestBodies bodies;
    private final IdempotentRequests idempotent;

    public SnapshotsController(ListSnapshotsUseCase list, CreateSnapshotUseCase create,
                               RestoreSnapshotUseCase restore, DeleteSnapshotUseCase delete,
                               RequestBodies bodies, IdempotentRequests idempotent) {
        this.list = list;
        this.create = create;
        this.restore = restore;
        this.delete = delete;
        this.bodies = bodies;
        this.idempotent = idempotent;
    }

    @Get("/")
    public PageJson<SnapshotJson> listSnapshots(HttpRequest<?> request, @Nullable @QueryValue("server_id") String serverId) {
        Optional<ServerId> server = Optional.ofNullable(serverId)
                .map(raw -> new ServerId(JsonFields.parseId(raw, "server_id", RequestReason.INVALID_QUERY_PARAMETER)));
        return FacadeJsonMapper.snapshots(list.listSnapshots(new ListSnapshotsQuery(RequestAttributes.callContext(request), server)));
    }

    /** An extension VPS.org lacks: one snapshot by id. */
    @Get("/{snapshot_id}/")
    public SnapshotJson getSnapshot(HttpRequest<?> request, @PathVariable("snapshot_id") String snapshotId) {
        SnapshotId id = snapshotId(snapshotId);
        return list.listSnapshots(new ListSnapshotsQuery(RequestAttributes.callContext(request), Optional.empty()))
                .stream().filter(s -> s.id().equals(id)).findFirst()
                .map(s -> FacadeJsonMapper.snapshot(s, null))
                .orElseThrow(() -> new ResourceNotFound(ReasonCode.SNAPSHOT_NOT_FOUND, "snapshot " + id + " not found"));
    }

    @Post(value = "/", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<?> createSnapshot(HttpRequest<?> request,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RequestBodiesDoc.CreateSnapshotRequest.class)))
            @Nullable @Body String body) {
        return idempotent.run(request, body, () -> {
            JsonNode fields = bodies.object(body);
            var command = new CreateSnapshotCommand(RequestAttributes.callContext(request),
                    new ServerId(JsonFields.requirePositiveInteger(fields, "server_id")),
                    JsonFields.requireText(fields, "name", SnapshotName::new),
                    JsonFields.optionalText(fields, "description", Description::new));
            return HttpResponse.created(
                    FacadeJsonMapper.snapshot(create.createSnapshot(command), FacadeJsonMapper.SNAPSHOT_CREATED))
                    .header(RequestAttributes.OPERATION_ID_HEADER, RequestAttributes.operationId(request).toString());
        });
    }

    @Post("/{snapshot_id}/restore/")
    public HttpResponse<?> restoreSnapshot(HttpRequest<?> request, @PathVariable("snapshot_id") String snapshotId) {
        SnapshotId id = snapshotId(snapshotId);
        return idempotent.run(request, "", () -> HttpResponse.ok(FacadeJsonMapper.restore(restore.restoreSnapshot(
                new RestoreSnapshotCommand(RequestAttributes.callContext(request), id))))
                .header(RequestAttributes.OPERATION_ID_HEADER, RequestAttributes.operationId(request).toString()));
    }

    @Delete("/{snapshot_id}/")
    public HttpResponse<Void> deleteSnapshot(HttpRequest<?> request, @PathVariable("snapshot_id") String snapshotId) {
        delete.deleteSnapshot(new DeleteSnapshotCommand(RequestAttributes.callContext(request), snapshotId(snapshotId)));
        return HttpResponse.<Void>noContent().header(RequestAttributes.OPERATION_ID_HEADER, RequestAttributes.operationId(request).toString());
    }

    private static SnapshotId snapshotId(String raw) {
        return new SnapshotId(JsonFields.parseId(raw, "snapshot_id", RequestReason.INVALID_ID));
    }
}
