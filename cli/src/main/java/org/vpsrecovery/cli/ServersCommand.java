package org.vpsrecovery.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "servers", mixinStandardHelpOptions = true, description = "A team's servers: their restore hold, a restore from a backup.")
final class ServersCommand {

    @ParentCommand
    Vpsr vpsr;

    @Command(name = "show", mixinStandardHelpOptions = true, description = "A server as the platform knows it, with its restore hold.")
    int show(@Parameters(paramLabel = "SERVER_ID") long id) {
        vpsr.output().object(vpsr.facade().get("/api/v1/servers/" + id + "/", Map.of()).body());
        return ExitCodes.OK;
    }

    @Command(name = "release-hold", mixinStandardHelpOptions = true, description = "End a restore's hold on the server "
            + "early, once its team knows the restore is over: the restore's operation ends released (printed). No hold: "
            + "409 NO_RESTORE_HOLD, exit 2.")
    int releaseHold(@Parameters(paramLabel = "SERVER_ID") long id) {
        // No --idempotency-key: the facade ignores it on this route (README); a second release is NO_RESTORE_HOLD.
        vpsr.output().object(vpsr.facade().delete("/api/v1/servers/" + id + "/restore-hold/", Map.of()).body());
        return ExitCodes.OK;
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a server from one of its backups (overwrites it; slower than a snapshot restore, VPS.org gives no bound).")
    int restore(@Parameters(paramLabel = "SERVER_ID") long id,
                @Option(names = "--backup-id", required = true, paramLabel = "ID") long backupId,
                @Option(names = "--skip-safety-snapshot", description = "restore at once, without snapshotting the server first")
                boolean skipSafetySnapshot,
                @Option(names = "--idempotency-key", paramLabel = "KEY") String key,
                @Mixin WaitOptions wait) {
        return restoreFromBackup(vpsr, vpsr.facade(), id, backupId, skipSafetySnapshot, key, wait);
    }

    static int restoreFromBackup(Vpsr vpsr, FacadeClient facade, long server, long backup, boolean skipSafetySnapshot,
                                 String key, WaitOptions wait) {
        Map<String, String> query = skipSafetySnapshot ? Map.of("skip_safety_snapshot", "true") : Map.of();
        return vpsr.changed(facade, () -> facade.post("/api/v1/servers/" + server + "/restore/", query,
                vpsr.json().createObjectNode().put("backup_id", backup), SnapshotsCommand.idempotency(key)),
                vpsr.json().createObjectNode().put("server_id", server).put("backup_id", backup), wait);
    }
}
