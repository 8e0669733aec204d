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
import org.vpsrecovery.adapters.http.facade.FacadeJson.BackupJson;
import org.vpsrecovery.adapters.http.facade.FacadeJson.PageJson;
import org.vpsrecovery.application.backup.CreateManualBackupCommand;
import org.vpsrecovery.application.backup.CreateManualBackupUseCase;
import org.vpsrecovery.application.backup.DeleteBackupCommand;
import org.vpsrecovery.application.backup.DeleteBackupUseCase;
import org.vpsrecovery.application.backup.ListBackupsQuery;
import org.vpsrecovery.application.backup.ListBackupsUseCase;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.server.ServerId;

/** VPS.org's backup API, governed. */
@Controller("/api/v1/backups")
@ExecuteOn(TaskExecutors.BLOCKING)
public class BackupsController {

    private final ListBackupsUseCase list;
    private final CreateManualBackupUseCase create;
    private final DeleteBackupUseCase delete;
    private final RequestBodies bodies;
    private final IdempotentRequests idempotent;

    public BackupsController(ListBackupsUseCase list, CreateManualBackupUseCase create, DeleteBackupUseCase delete,
                             RequestBodies bodies, IdempotentRequests idempotent) {
        this.list = list;
        this.create = create;
        this.delete = delete;
        this.bodies = bodies;
        this.idempotent = idempotent;
    }

    @Get("/")
    public PageJson<BackupJson> listBackups(HttpRequest<?> request, @Nullable @QueryValue("server_id") String serverId,
                                            @Nullable @QueryValue("backup_type") String backupType) {
        Optional<ServerId> server = Optional.ofNullable(serverId)
                .map(raw -> new ServerId(JsonFields.parseId(raw, "server_id", RequestReason.INVALID_QUERY_PARAMETER)));
        Optional<BackupType> type = Optional.ofNullable(backupType).map(raw -> BackupType.fromWire(raw)
                .filter(t -> t.wireValue().equals(raw))
                .orElseThrow(() -> new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, "backup_type",
                        "backup_type must be manual or automatic")));
        return FacadeJsonMapper.backups(list.listBackups(new ListBackupsQuery(RequestAttributes.callContext(request), server, type)));
    }

    /** An extension VPS.org lacks: one backup by id. */
    @Get("/{backup_id}/")
    public BackupJson getBackup(HttpRequest<?> request, @PathVariable("backup_id") String backupId) {
        BackupId id = backupId(backupId);
        return list.listBackups(new ListBackupsQuery(RequestAttributes.callContext(request), Optional.empty(), Optional.empty()))
                .stream().filter(b -> b.id().equals(id)).findFirst()
                .map(b -> FacadeJsonMapper.backup(b, null))
                .orElseThrow(() -> new ResourceNotFound(ReasonCode.BACKUP_NOT_FOUND, "backup " + id + " not found"));
    }

    @Post(value = "/", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<?> createBackup(HttpRequest<?> request,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RequestBodiesDoc.CreateBackupRequest.class)))
            @Nullable @Body String body) {
        return idempotent.run(request, body, () -> {
            JsonNode fields = bodies.object(body);
            var command = new CreateManualBackupCommand(RequestAttributes.callContext(request),
                    new ServerId(JsonFields.requirePositiveInteger(fields, "server_id")),
                    JsonFields.optionalText(fields, "description", Description::new));
            return HttpResponse.created(
                    FacadeJsonMapper.backup(create.createManualBackup(command), FacadeJsonMapper.BACKUP_CREATED))
                    .header(RequestAttributes.OPERATION_ID_HEADER, RequestAttributes.operationId(request).toString());
        });
    }

    @Delete("/{backup_id}/")
    public HttpResponse<Void> deleteBackup(HttpRequest<?> request, @PathVariable("backup_id") String backupId) {
        delete.deleteBackup(new DeleteBackupCommand(RequestAttributes.callContext(request), backupId(backupId)));
        return HttpResponse.<Void>noContent().header(RequestAttributes.OPERATION_ID_HEADER, RequestAttributes.operationId(request).toString());
    }

    static BackupId backupId(String raw) {
        return new BackupId(JsonFields.parseId(raw, "backup_id", RequestReason.INVALID_ID));
    }
}
