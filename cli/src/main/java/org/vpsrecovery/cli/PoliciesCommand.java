package org.vpsrecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "policies", mixinStandardHelpOptions = true,
        description = "A team's recovery policies (schedules and retention): list, read, create, update, delete, plan.")
final class PoliciesCommand {

    static final List<String> COLUMNS = List.of("id", "version", "kind", "server_ids", "all_servers", "cron", "time_zone",
            "name_template", "keep_last", "keep_within", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly",
            "include_person_made", "updated_at");
    static final List<String> PLAN_COLUMNS = List.of("server_id", "type", "id", "name", "status", "created_at", "made_by",
            "held", "verdict", "kept_by", "reason");
    /** The fields a create or an update sends: the policy as the facade takes it, without its id, version and times. */
    static final List<String> REQUEST_FIELDS = List.of("kind", "server_ids", "all_servers", "cron", "time_zone",
            "name_template", "keep_last", "keep_within", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly",
            "include_person_made");

    enum Kind { snapshot, manual_backup }

    @ParentCommand
    Vpsr vpsr;

    /** Which servers: a list, or every server the team owns. */
    static final class Servers {
        @Option(names = "--server-id", paramLabel = "ID", description = "a server the policy covers (repeat for more)")
        List<Long> serverIds;

        @Option(names = "--all-servers", description = "every server the team owns, now and later")
        boolean allServers;
    }

    /** A policy's fields as options; on update only those given change. */
    static final class Fields {
        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Servers servers;

        @Option(names = "--kind", paramLabel = "KIND", description = "snapshot or manual_backup")
        Kind kind;

        @Option(names = "--cron", paramLabel = "CRON", description = "five fields, e.g. \"0 3 * * *\"")
        String cron;

        @Option(names = "--time-zone", paramLabel = "ZONE", description = "e.g. Europe/Berlin or UTC")
        String timeZone;

        @Option(names = "--name-template", paramLabel = "TEMPLATE", description = "with {server_id}, {date}, {time}")
        String nameTemplate;

        @Option(names = "--keep-last", paramLabel = "N") Integer keepLast;
        @Option(names = "--keep-within", paramLabel = "DURATION", description = "ISO-8601, e.g. P7D") String keepWithin;
        @Option(names = "--keep-daily", paramLabel = "N") Integer keepDaily;
        @Option(names = "--keep-weekly", paramLabel = "N") Integer keepWeekly;
        @Option(names = "--keep-monthly", paramLabel = "N") Integer keepMonthly;
        @Option(names = "--keep-yearly", paramLabel = "N") Integer keepYearly;

        @Option(names = "--include-person-made", paramLabel = "true|false", arity = "1",
                description = "whether retention may also drop points people made (default false)")
        Boolean includePersonMade;

        /** These fields over {@code body}, which holds the policy as it is (update) or nothing yet (create). */
        ObjectNode over(ObjectNode body) {
            if (servers != null) {
                if (servers.allServers) {
                    body.remove("server_ids");
                    body.put("all_servers", true);
                } else {
                    ArrayNode ids = body.putArray("server_ids");
                    servers.serverIds.forEach(ids::add);
                    body.put("all_servers", false);
                }
            }
            if (kind != null) {
                body.put("kind", kind.name());
            }
            putIfSet(body, "cron", cron);
            putIfSet(body, "time_zone", timeZone);
            putIfSet(body, "name_template", nameTemplate);
            putIfSet(body, "keep_within", keepWithin);
            putIfSet(body, "keep_last", keepLast);
            putIfSet(body, "keep_daily", keepDaily);
            putIfSet(body, "keep_weekly", keepWeekly);
            putIfSet(body, "keep_monthly", keepMonthly);
            putIfSet(body, "keep_yearly", keepYearly);
            if (includePersonMade != null) {
                body.put("include_person_made", includePersonMade);
            }
            return body;
        }

        private static void putIfSet(ObjectNode body, String field, String value) {
            if (value != null) {
                body.put(field, value);
            }
        }

        private static void putIfSet(ObjectNode body, String field, Integer value) {
            if (value != null) {
                body.put(field, value);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The team's policies, oldest first.")
    int list(@Option(names = "--limit", description = "1-500 (100)") Integer limit,
             @Option(names = "--cursor", description = "the previous page's `more: --cursor`") String cursor) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", limit == null ? null : limit.toString());
        query.put("after", cursor);
        vpsr.output().rows(vpsr.facade().get("/api/v1/policies/", query).body(), COLUMNS);
        return ExitCodes.OK;
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "One policy; its version is what update and delete check.")
    int get(@Parameters(paramLabel = "POLICY_ID") String id) {
        vpsr.output().object(vpsr.facade().get(path(id), Map.of()).body());
        return ExitCodes.OK;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a policy: --kind, --server-id (repeated) or --all-servers, --cron, --time-zone, "
                    + "--name-template and at least one --keep-* are what the service needs.")
    int create(@ArgGroup(exclusive = false, multiplicity = "1") Fields fields,
               @Option(names = "--idempotency-key", paramLabel = "KEY",
                       description = "a repeat with the same key gets the first answer, not a second policy") String key,
               @Mixin WaitOptions wait) {
        ObjectNode body = fields.over(vpsr.json().createObjectNode());
        FacadeClient facade = vpsr.facade();
        FacadeClient.Answer answer = facade.post("/api/v1/policies/", Map.of(), body, SnapshotsCommand.idempotency(key));
        return vpsr.changedOrPending(facade, answer, answer.body(), wait);
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change the fields given, keep the others. Sent with If-Match: --if-version, else the version "
                    + "just read; if the policy changed meanwhile the service refuses it (412, exit 2).")
    int update(@Parameters(paramLabel = "POLICY_ID") String id,
               @Option(names = "--if-version", paramLabel = "N", description = "the version you mean to change (from get)")
               Long version,
               @ArgGroup(exclusive = false, multiplicity = "1") Fields fields,
               @Option(names = "--idempotency-key", paramLabel = "KEY",
                       description = "a repeat with the same key gets the first answer, whichever version it read")
               String key,
               @Mixin WaitOptions wait) {
        FacadeClient facade = vpsr.facade();
        FacadeClient.Answer current = facade.get(path(id), Map.of());
        ObjectNode body = vpsr.json().createObjectNode();
        REQUEST_FIELDS.forEach(field -> {
            JsonNode value = current.body().get(field);
            if (value != null && !value.isNull()) {
                body.set(field, value);
            }
        });
        fields.over(body);
        String ifMatch = version != null ? "\"" + version + "\""
                : current.header("ETag").orElseGet(() -> "\"" + current.body().path("version").asLong() + "\"");
        Map<String, String> headers = new HashMap<>(SnapshotsCommand.idempotency(key));
        headers.put("If-Match", ifMatch);
        FacadeClient.Answer answer = facade.put(path(id), body, headers);
        return vpsr.changedOrPending(facade, answer, answer.body(), wait);
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a policy (the recovery points it made stay). With --if-version, only that version.")
    int delete(@Parameters(paramLabel = "POLICY_ID") String id,
               @Option(names = "--if-version", paramLabel = "N", description = "refuse (412, exit 2) if it is no longer this version")
               Long version,
               @Option(names = "--idempotency-key", paramLabel = "KEY",
                       description = "a repeat with the same key gets the first answer") String key,
               @Mixin WaitOptions wait) {
        FacadeClient facade = vpsr.facade();
        Map<String, String> headers = new HashMap<>(SnapshotsCommand.idempotency(key));
        if (version != null) {
            headers.put("If-Match", "\"" + version + "\"");
        }
        FacadeClient.Answer answer = facade.delete(path(id), headers);
        return vpsr.changedOrPending(facade, answer, vpsr.json().createObjectNode().put("policy_id", id)
                .put("status", "deleted"), wait);
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "The next runs and, per server, each recovery point with retention's verdict; changes nothing.")
    int plan(@Parameters(paramLabel = "POLICY_ID") String id,
             @Option(names = "--runs", paramLabel = "N", description = "how many next runs, 1-50 (10)") Integer runs) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("runs", runs == null ? null : runs.toString());
        JsonNode plan = vpsr.facade().get(path(id) + "plan/", query).body();
        Output output = vpsr.output();
        // Points are nested per server; tables and CSV show them as rows, each naming its server.
        ArrayNode points = vpsr.json().createArrayNode();
        plan.path("servers").forEach(server -> server.path("points").forEach(point -> {
            ObjectNode row = points.addObject().put("server_id", server.path("server_id").asLong());
            row.setAll((ObjectNode) point);
            ArrayNode rules = vpsr.json().createArrayNode();
            point.path("kept_by").forEach(k -> rules.add(k.path("rule").asText()
                    + (k.hasNonNull("period") ? " " + k.get("period").asText() : "")));
            row.set("kept_by", rules);
        }));
        switch (output.format()) {
            case json -> output.object(plan);
            case csv -> output.rows(points, PLAN_COLUMNS);
            case table -> {
                ObjectNode summary = ((ObjectNode) plan.deepCopy());
                summary.remove("servers");
                summary.set("points", points);
                output.object(summary);
            }
        }
        return ExitCodes.OK;
    }

    private static String path(String id) {
        return "/api/v1/policies/" + id + "/";
    }
}
