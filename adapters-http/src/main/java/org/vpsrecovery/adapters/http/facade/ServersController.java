package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.vpsrecovery.adapters.http.facade.FacadeJson.BackupRestoreJson;
import org.vpsrecovery.application.backup.RestoreServerFromBackupCommand;
import org.vpsrecovery.application.backup.RestoreServerFromBackupUseCase;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.server.ServerId;

/** The one call of VPS.org's Servers API this platform governs: restore a server from a backup. */
@Controller("/api/v1/servers")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ServersController {

    private final RestoreServerFromBackupUseCase restore;

    public ServersController(RestoreServerFromBackupUseCase restore) {
        this.restore = restore;
    }

    @Post(value = "/{server_id}/restore/", consumes = MediaType.APPLICATION_JSON)
    public BackupRestoreJson restoreFromBackup(HttpRequest<?> request, @PathVariable("server_id") String serverId,
                                               @Nullable @Body JsonNode body) {
        ServerId server = new ServerId(JsonFields.parseId(serverId, "server_id", RequestReason.INVALID_ID));
        BackupId backup = new BackupId(JsonFields.requirePositiveInteger(JsonFields.requireObject(body), "backup_id"));
        return FacadeJsonMapper.restore(restore.restoreServerFromBackup(
                new RestoreServerFromBackupCommand(RequestAttributes.callContext(request), server, backup)));
    }
}
