package org.vpsrecovery.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "operations", mixinStandardHelpOptions = true,
        description = "What changing requests started, followed to their end by the platform.")
final class OperationsCommand {

    static final List<String> COLUMNS = List.of("id", "operation", "server_id", "resource.type", "resource.id", "state",
            "accepted_at", "updated_at", "note");

    @ParentCommand
    Vpsr vpsr;

    @Command(name = "get", mixinStandardHelpOptions = true, description = "One operation as it stands.")
    int get(@Parameters(paramLabel = "OPERATION_ID") String id) {
        vpsr.output().object(vpsr.facade().get("/api/v1/operations/" + id + "/", Map.of()).body());
        return ExitCodes.OK;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Operations, newest first, a page of "
            + "--limit at a time. The table ends with `more: --cursor C` when there is another page (CSV: on stderr).")
    int list(@Option(names = "--server-id", paramLabel = "ID") Long serverId,
             @Option(names = "--state", description = "accepted, in_progress, unresolved, awaiting_safety_snapshot, "
                     + "pending_approval, approved, completed, failed, vanished, timed_out, released, denied, expired "
                     + "or rejected") String state,
             @Option(names = "--limit", description = "1-500 (100)") Integer limit,
             @Option(names = "--cursor", description = "the previous page's `more: --cursor` (with the same filters)")
             String cursor) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("server_id", serverId == null ? null : serverId.toString());
        query.put("state", state);
        query.put("limit", limit == null ? null : limit.toString());
        query.put("after", cursor);
        vpsr.output().rows(vpsr.facade().get("/api/v1/operations/", query).body(), COLUMNS);
        return ExitCodes.OK;
    }

    @Command(name = "wait", mixinStandardHelpOptions = true, description = "Follow an operation, or a change waiting "
            + "for approval, to its end; exit 0 if it completed, 6 if it failed or was denied, expired or rejected, "
            + "9 if --timeout passed first.")
    int await(@Parameters(paramLabel = "OPERATION_ID") String id,
              @Option(names = "--timeout", paramLabel = "SECONDS", converter = WaitOptions.PositiveSeconds.class,
                      description = "give up after this long (exit 9; the operation goes on); default: no limit")
              Duration timeout) {
        // A hold release or policy change waiting for a second person (ADR 0043) has its id printed as an
        // operation's is, but is read under /changes/: the same wait follows it there.
        // One limit for both: the change's wait gets what the operation's reads left of it.
        FacadeClient facade = vpsr.facade();
        Instant start = Instant.now();
        try {
            return vpsr.followedAndPrinted(facade, id, Optional.ofNullable(timeout), OperationWatch.OPERATIONS);
        } catch (FacadeClient.FacadeProblem notAnOperation) {
            if (notAnOperation.status != 404) {
                throw notAnOperation;
            }
            Optional<Duration> left = Optional.ofNullable(timeout).map(limit -> {
                Duration rest = limit.minus(Duration.between(start, Instant.now()));
                return rest.isNegative() ? Duration.ZERO : rest;
            });
            try {
                return vpsr.followedAndPrinted(facade, id, left, OperationWatch.CHANGES);
            } catch (FacadeClient.FacadeProblem notAChange) {
                // An auditor may read operations but not changes (403): the id is still one no operation has.
                throw notAChange.status / 100 == 4 ? notAnOperation : notAChange;
            }
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approve an operation pending approval (two-person approval): a person of its team, signed in "
                    + "with their own JWT as VPSR_TOKEN, never the one who asked nor a service token. It runs at once; "
                    + "the answer is the operation as it then stands.")
    int approve(@Parameters(paramLabel = "OPERATION_ID") String id,
                @Option(names = "--reason", description = "why, e.g. a change ticket (1-500 characters)") String reason) {
        return decide(id, "approve", reason);
    }

    @Command(name = "deny", mixinStandardHelpOptions = true,
            description = "Deny an operation pending approval: it ends denied and VPS.org is never asked.")
    int deny(@Parameters(paramLabel = "OPERATION_ID") String id,
             @Option(names = "--reason", description = "why (1-500 characters)") String reason) {
        return decide(id, "deny", reason);
    }

    private int decide(String id, String decision, String reason) {
        var body = vpsr.json().createObjectNode().put("decision", decision);
        if (reason != null) {
            body.put("reason", reason);
        }
        vpsr.output().object(vpsr.facade().post("/api/v1/operations/" + id + "/approval/", Map.of(), body, Map.of()).body());
        return ExitCodes.OK;
    }
}
