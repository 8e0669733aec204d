package org.vpsrecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "The audit history: events, the CSV export, the chain's verification, the summary, recoverability.")
final class AuditCommand {

    static final List<String> EVENT_COLUMNS = List.of("sequence", "occurred_at", "team", "operation", "server_id",
            "resource.type", "resource.id", "outcome", "reason_code", "actor.subject", "request_id");

    @ParentCommand
    Vpsr vpsr;

    /** The filters events and export share (the facade combines them with AND); the team is the global --team. */
    static final class EventFilters {
        @Option(names = "--server-id", paramLabel = "ID") Long serverId;
        @Option(names = "--operation", description = "e.g. create_snapshot, restore_snapshot, delete_backup") String operation;
        @Option(names = "--outcome", description = "accepted, rejected, failed or completed") String outcome;
        @Option(names = "--reason-code", paramLabel = "CODE") String reasonCode;
        @Option(names = "--from", paramLabel = "TIME", description = "inclusive, e.g. 2026-01-15T00:00:00Z") String from;
        @Option(names = "--to", paramLabel = "TIME", description = "exclusive") String to;
        @Option(names = "--request-id", paramLabel = "ID") String requestId;
        @Option(names = "--actor", paramLabel = "SUBJECT") String actor;

        Map<String, String> query(Optional<String> team) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("team", team.orElse(null));
            query.put("server_id", serverId == null ? null : serverId.toString());
            query.put("operation", operation);
            query.put("outcome", outcome);
            query.put("reason_code", reasonCode);
            query.put("from", from);
            query.put("to", to);
            query.put("request_id", requestId);
            query.put("actor", actor);
            return query;
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true, description = "Audit events, newest first, a page at a time.")
    int events(@ArgGroup(exclusive = false) EventFilters filters,
               @Option(names = "--limit", description = "page size, 1-500 (100)") Integer limit,
               @Option(names = "--cursor", description = "the previous page's `more: --cursor`") String cursor) {
        Map<String, String> query = (filters == null ? new EventFilters() : filters).query(vpsr.teamGivenOnTheCommandLine());
        query.put("limit", limit == null ? null : limit.toString());
        query.put("cursor", cursor);
        vpsr.output().rows(vpsr.facade().get("/api/v1/audit/events/", query).body(), EVENT_COLUMNS);
        return ExitCodes.OK;
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Every matching event as CSV, streamed to stdout (the service's own CSV).")
    int export(@ArgGroup(exclusive = false) EventFilters filters) {
        Map<String, String> query = (filters == null ? new EventFilters() : filters).query(vpsr.teamGivenOnTheCommandLine());
        vpsr.facade().stream("/api/v1/audit/events/", query, "text/csv", vpsr.spec.commandLine().getOut(),
                vpsr::outputFailed);
        return ExitCodes.OK;
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Verify the audit hash chain (auditors): exit 6 when it is broken.")
    int verify(@Option(names = "--from", paramLabel = "START", description = "first (default): walk every event; "
                       + "latest-checkpoint: compare every checkpoint, then walk only the events since the latest "
                       + "walked one (seconds where the whole walk takes minutes)") String from,
               @Option(names = "--timeout", paramLabel = "SECONDS", converter = WaitOptions.PositiveSeconds.class,
                       description = "how long to wait for the answer (default 90); the service itself closes a "
                               + "connection silent for micronaut.server.idle-timeout (90 s)") Duration timeout) {
        if (from != null && !WALK_STARTS.contains(from)) {
            throw new IllegalArgumentException("--from must be first or latest-checkpoint");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", from);
        JsonNode verification;
        try {
            verification = vpsr.facade().get("/api/v1/audit/verify/", query,
                    timeout == null ? FacadeClient.REQUEST_TIMEOUT : timeout).body();
        } catch (FacadeClient.Unreachable cutOff) {
            // The answer comes only when the walk ends: a long one outlasts the service's idle timeout or ours.
            throw "latest-checkpoint".equals(from) || !cutOff.afterConnecting() ? cutOff
                    : cutOff.withHint("a walk of the whole chain is cut off once it outlasts the service's "
                            + "micronaut.server.idle-timeout (90 s by default) or vpsr's wait (--timeout, 90 s by default): "
                            + "vpsr audit verify --from latest-checkpoint walks only the events since the latest "
                            + "walked checkpoint");
        }
        vpsr.output().object(verification);
        return verification.path("intact").asBoolean(false) ? ExitCodes.OK : ExitCodes.OPERATION_FAILED;
    }

    private static final Set<String> WALK_STARTS = Set.of("first", "latest-checkpoint");

    @Command(name = "summary", mixinStandardHelpOptions = true, description = "Counts per team, operation and outcome, by day or month.")
    int summary(@Option(names = "--from", paramLabel = "TIME") String from,
                @Option(names = "--to", paramLabel = "TIME") String to,
                @Option(names = "--bucket", description = "day (default) or month") String bucket,
                @Option(names = "--top", description = "how many rejection reasons, 1-50 (10)") Integer top,
                @Option(names = "--per-team", description = "without --team: each team's counts, not their sum")
                boolean perTeam) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("team", vpsr.teamGivenOnTheCommandLine().orElse(null));
        query.put("from", from);
        query.put("to", to);
        query.put("bucket", bucket);
        query.put("top", top == null ? null : top.toString());
        query.put("per_team", perTeam ? "true" : null);
        vpsr.output().object(vpsr.facade().get("/api/v1/audit/summary/", query).body());
        return ExitCodes.OK;
    }

    @Command(name = "recoverability", mixinStandardHelpOptions = true, description = "Per server: newest snapshot and backup, backups expiring soon, servers with none.")
    int recoverability(@Option(names = "--expiring-within-days", paramLabel = "DAYS", description = "0-365 (7)") Integer days) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("expiring_within_days", days == null ? null : days.toString());
        vpsr.output().object(vpsr.facade().get("/api/v1/audit/recoverability/", query).body());
        return ExitCodes.OK;
    }
}
