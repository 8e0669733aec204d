package org.vpsrecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "snapshots", mixinStandardHelpOptions = true, description = "A team's snapshots: list, read, create, delete, restore.")
final class SnapshotsCommand {

    static final List<String> COLUMNS = List.of("id", "server.id", "name", "status", "size_mb", "created_at", "description");

    @ParentCommand
    Vpsr vpsr;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every snapshot of the team's servers, or of one.")
    int list(@Option(names = "--server-id", paramLabel = "ID", description = "only this server's") Long serverId) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("server_id", serverId == null ? null : serverId.toString());
        vpsr.output().rows(vpsr.facade().get("/api/v1/snapshots/", query).body(), COLUMNS);
        return ExitCodes.OK;
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "One snapshot.")
    int get(@Parameters(paramLabel = "SNAPSHOT_ID") long id) {
        vpsr.output().object(vpsr.facade().get("/api/v1/snapshots/" + id + "/", Map.of()).body());
        return ExitCodes.OK;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Snapshot a server (VPS.org takes 3 to 10 minutes).")
    int create(@Option(names = "--server-id", required = true, paramLabel = "ID") long serverId,
               @Option(names = "--name", required = true, description = "letters, digits, - and _") String name,
               @Option(names = "--description") String description,
               @Option(names = "--idempotency-key", paramLabel = "KEY",
                       description = "a repeat with the same key gets the first answer") String key,
               @Mixin WaitOptions wait) {
        ObjectNode body = vpsr.json().createObjectNode().put("server_id", serverId).put("name", name);
        if (description != null) {
            body.put("description", description);
        }
        FacadeClient facade = vpsr.facade();
        return vpsr.changed(facade, () -> facade.post("/api/v1/snapshots/", Map.of(), body, idempotency(key)),
                vpsr.json().createObjectNode(), wait);
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a snapshot (permanent).")
    int delete(@Parameters(paramLabel = "SNAPSHOT_ID") long id,
               @Option(names = "--idempotency-key", paramLabel = "KEY") String key,
               @Mixin WaitOptions wait) {
        FacadeClient facade = vpsr.facade();
        return vpsr.changed(facade, () -> facade.delete("/api/v1/snapshots/" + id + "/", idempotency(key)),
                vpsr.json().createObjectNode().put("snapshot_id", id).put("status", "deleted"), wait);
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a snapshot onto its server (overwrites it; 5 to 15 minutes).")
    int restore(@Parameters(paramLabel = "SNAPSHOT_ID") long id,
                @Option(names = "--skip-safety-snapshot", description = "restore at once, without snapshotting the server first")
                boolean skipSafetySnapshot,
                @Option(names = "--idempotency-key", paramLabel = "KEY") String key,
                @Mixin WaitOptions wait) {
        FacadeClient facade = vpsr.facade();
        Map<String, String> query = skipSafetySnapshot ? Map.of("skip_safety_snapshot", "true") : Map.of();
        return vpsr.changed(facade, () -> facade.post("/api/v1/snapshots/" + id + "/restore/", query, null, idempotency(key)),
                vpsr.json().createObjectNode().put("snapshot_id", id), wait);
    }

    static Map<String, String> idempotency(String key) {
        return key == null ? Map.of() : Map.of("Idempotency-Key", key);
    }
}
