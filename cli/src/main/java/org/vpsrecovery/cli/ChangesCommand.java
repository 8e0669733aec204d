package org.vpsrecovery.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Hold releases and policy changes that asked for a second person (ADR 0043): what waits for an approver, decided with
 * {@code vpsr operations approve|deny ID}.
 */
@Command(name = "changes", mixinStandardHelpOptions = true,
        description = "Hold releases and policy changes waiting for, or decided by, a second person of the team.")
final class ChangesCommand {

    static final List<String> COLUMNS = List.of("id", "change", "state", "approval.requested_by.subject", "approval.requested_at",
            "approval.expires_at", "hold_id", "policy_id", "policy_version", "updated_at", "note");

    @ParentCommand
    Vpsr vpsr;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The team's changes, newest asked first; "
            + "--state pending_approval lists what waits for a decision (vpsr operations approve|deny ID). The table "
            + "ends with `more: --cursor C` when there is another page (CSV: on stderr).")
    int list(@Option(names = "--state", description = "pending_approval, approved, completed, denied, expired or rejected")
             String state,
             @Option(names = "--kind", description = "hold_release, policy_create, policy_update or policy_delete")
             String kind,
             @Option(names = "--limit", description = "1-500 (100)") Integer limit,
             @Option(names = "--cursor", description = "the previous page's `more: --cursor`") String cursor) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("state", state);
        query.put("kind", kind);
        query.put("limit", limit == null ? null : limit.toString());
        query.put("after", cursor);
        vpsr.output().rows(vpsr.facade().get("/api/v1/changes/", query).body(), COLUMNS);
        return ExitCodes.OK;
    }
}
