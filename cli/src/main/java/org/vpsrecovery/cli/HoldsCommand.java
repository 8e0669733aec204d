package org.vpsrecovery.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "holds", mixinStandardHelpOptions = true,
        description = "Holds on a snapshot or backup: while one is active nobody deletes the point, retention included.")
final class HoldsCommand {

    static final List<String> COLUMNS = List.of("id", "active", "kind", "reason", "recovery_point.type", "recovery_point.id",
            "placed_by", "placed_at", "released_by", "released_at");

    @ParentCommand
    Vpsr vpsr;

    /** The held point: a snapshot or a backup. */
    static final class Point {
        @Option(names = "--snapshot", paramLabel = "SNAPSHOT_ID", required = true) Long snapshot;
        @Option(names = "--backup", paramLabel = "BACKUP_ID", required = true) Long backup;

        String holdsPath() {
            return snapshot != null ? "/api/v1/snapshots/" + snapshot + "/holds/" : "/api/v1/backups/" + backup + "/holds/";
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The holds on the point, active and released, newest first, a page at a time.")
    int list(@ArgGroup(exclusive = true, multiplicity = "1") Point point,
             @Option(names = "--limit", description = "1-500 (100)") Integer limit,
             @Option(names = "--cursor", description = "the previous page's `more: --cursor`") String cursor) {
        Map<String, String> query = new java.util.LinkedHashMap<>();
        query.put("limit", limit == null ? null : limit.toString());
        query.put("after", cursor);
        vpsr.output().rows(vpsr.facade().get(point.holdsPath(), query).body(), COLUMNS);
        return ExitCodes.OK;
    }

    @Command(name = "place", mixinStandardHelpOptions = true,
            description = "Hold the point (a team's hold; an auditor's token places a legal hold).")
    int place(@ArgGroup(exclusive = true, multiplicity = "1") Point point,
              @Option(names = "--reason", required = true, description = "why, 1-255 characters") String reason,
              @Option(names = "--idempotency-key", paramLabel = "KEY",
                      description = "a repeat with the same key gets the first answer, not a second hold") String key) {
        var body = vpsr.json().createObjectNode().put("reason", reason);
        vpsr.output().object(vpsr.facade().post(point.holdsPath(), Map.of(), body, SnapshotsCommand.idempotency(key)).body());
        return ExitCodes.OK;
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Release a hold (a team its own; legal holds only an auditor). When the team needs a second "
                    + "person for it, the release waits for approval: its change id is printed (--wait follows it).")
    int release(@Parameters(paramLabel = "HOLD_ID") String holdId,
                @ArgGroup(exclusive = true, multiplicity = "1") Point point,
                @Option(names = "--idempotency-key", paramLabel = "KEY",
                        description = "a repeat with the same key gets the first answer, not a second request") String key,
                @Mixin WaitOptions wait) {
        FacadeClient facade = vpsr.facade();
        FacadeClient.Answer answer = facade.delete(point.holdsPath() + holdId + "/", SnapshotsCommand.idempotency(key));
        return vpsr.changedOrPending(facade, answer, answer.body(), wait);
    }
}
