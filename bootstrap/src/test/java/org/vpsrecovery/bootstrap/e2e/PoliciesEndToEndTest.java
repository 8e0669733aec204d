package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.simulator.SimulatorClock;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * Issue 14's policies over HTTP, on the real PostgreSQL and the simulator: create, read, replace and
 * delete with versions (ETag / If-Match), each change audited with its diff; another team's policy
 * is not found; bad input is 400 with the field named; and the plan over the simulator's real
 * snapshots, changing nothing there.
 */
class PoliciesEndToEndTest {

    // Four days behind the platform's clock: the plan's test moves it a day per point it makes, and a point VPS.org
    // dates after the platform's now is kept whatever the rules (ADR 0028, amended in session 39).
    static final SimulatorClock CLOCK = new SimulatorClock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofDays(-4)));

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withClock(CLOCK).withDelays(Duration.ZERO, Duration.ofSeconds(10)),
            Map.of());

    private static final String NIGHTLY = """
            {"kind": "snapshot", "server_ids": [12345], "cron": "0 3 * * *", "time_zone": "Europe/Berlin",
             "name_template": "nightly-{server_id}-{date}", "keep_last": 1, "keep_daily": 2}""";

    private static Answer send(String method, String path, String token, String body, Map<String, String> headers) {
        return SETUP.platform().send(method, path, token, body, headers);
    }

    private static void assertProblem(Answer answer, int status, String reason) {
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.get("reason_code")).isEqualTo(reason);
    }

    private static List<AuditEvent> audit(String requestId) {
        return SETUP.platform().auditOf(requestId).stream().map(e -> e.event()).toList();
    }

    @Test
    void createReadReplaceDeleteWithVersionsEachChangeAuditedWithItsDiff() {
        Answer created = send("POST", "/api/v1/policies/", RunningPlatform.DEMO_TOKEN, NIGHTLY,
                Map.of("X-Request-Id", "policy-create"));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        assertThat(created.body()).containsEntry("version", 1).containsEntry("kind", "snapshot")
                .containsEntry("server_ids", List.of(12345)).containsEntry("all_servers", false)
                .containsEntry("time_zone", "Europe/Berlin").containsEntry("keep_daily", 2).containsEntry("keep_weekly", 0)
                .containsEntry("include_person_made", false);
        String id = (String) created.get("id");
        String path = "/api/v1/policies/" + id + "/";

        Answer read = send("GET", path, RunningPlatform.DEMO_TOKEN, null, Map.of());
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.header("ETag")).isEqualTo("\"1\"");
        assertThat(read.body()).isEqualTo(created.body());

        Answer replaced = send("PUT", path, RunningPlatform.DEMO_TOKEN, """
                {"kind": "snapshot", "all_servers": true, "cron": "30 2 * * 1-5", "time_zone": "Europe/Berlin",
                 "name_template": "nightly-{server_id}-{date}", "keep_within": "P14D", "keep_daily": 2}""",
                Map.of("If-Match", "\"1\"", "X-Request-Id", "policy-replace"));
        assertThat(replaced.status()).as(replaced.body().toString()).isEqualTo(200);
        assertThat(replaced.header("ETag")).isEqualTo("\"2\"");
        assertThat(replaced.body()).containsEntry("version", 2).containsEntry("all_servers", true)
                .containsEntry("server_ids", null).containsEntry("keep_within", "PT336H");

        // A stale version, or none, changes nothing.
        assertProblem(send("PUT", path, RunningPlatform.DEMO_TOKEN, NIGHTLY, Map.of("If-Match", "\"1\"")), 412,
                "POLICY_VERSION_CONFLICT");
        assertProblem(send("PUT", path, RunningPlatform.DEMO_TOKEN, NIGHTLY, Map.of()), 428, "POLICY_VERSION_REQUIRED");
        assertProblem(send("DELETE", path, RunningPlatform.DEMO_TOKEN, null, Map.of("If-Match", "\"1\"")), 412,
                "POLICY_VERSION_CONFLICT");
        assertProblem(send("PUT", path, RunningPlatform.DEMO_TOKEN, NIGHTLY, Map.of("If-Match", "yesterday")), 400,
                "INVALID_IF_MATCH");
        assertThat(send("GET", path, RunningPlatform.DEMO_TOKEN, null, Map.of()).body()).isEqualTo(replaced.body());

        // Each change: its intent, then its outcome (ADR 0036).
        assertThat(audit("policy-create")).extracting(e -> e.outcome().kind())
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
        assertThat(audit("policy-create")).filteredOn(e -> e.outcome() instanceof Outcome.Completed).singleElement().satisfies(event -> {
            assertThat(event.operation()).isEqualTo(Operation.CREATE_POLICY);
            assertThat(event.outcome()).isInstanceOf(Outcome.Completed.class);
            assertThat(event.detail()).containsEntry("policy_id", id).containsEntry("version", "1")
                    .containsEntry("actor", "team:demo").containsEntry("servers", "12345")
                    .containsEntry("schedule", "0 3 * * * Europe/Berlin");
        });
        assertThat(audit("policy-replace")).filteredOn(e -> e.outcome() instanceof Outcome.Completed).singleElement().satisfies(event -> {
            assertThat(event.operation()).isEqualTo(Operation.UPDATE_POLICY);
            assertThat(event.detail()).containsEntry("version", "2").containsEntry("servers", "12345 -> all")
                    .containsEntry("schedule", "0 3 * * * Europe/Berlin -> 30 2 * * 1-5 Europe/Berlin")
                    .containsKey("retention").doesNotContainKeys("kind", "name_template");
        });

        Answer deleted = send("DELETE", path, RunningPlatform.DEMO_TOKEN, null,
                Map.of("If-Match", "\"2\"", "X-Request-Id", "policy-delete"));
        assertThat(deleted.status()).isEqualTo(204);
        assertProblem(send("GET", path, RunningPlatform.DEMO_TOKEN, null, Map.of()), 404, "POLICY_NOT_FOUND");
        assertThat(audit("policy-delete")).extracting(AuditEvent::operation)
                .containsExactly(Operation.DELETE_POLICY, Operation.DELETE_POLICY);
    }

    @Test
    void anotherTeamsPolicyIsNotFoundAndAuditorsMayNotTouchPolicies() {
        Answer created = send("POST", "/api/v1/policies/", RunningPlatform.DEMO_TOKEN, NIGHTLY, Map.of());
        String path = "/api/v1/policies/" + created.get("id") + "/";

        assertProblem(send("GET", path, RunningPlatform.OTHER_TOKEN, null, Map.of()), 404, "POLICY_NOT_FOUND");
        assertProblem(send("PUT", path, RunningPlatform.OTHER_TOKEN, NIGHTLY.replace("12345", "23456"),
                Map.of("If-Match", "\"1\"")), 404, "POLICY_NOT_FOUND");
        assertProblem(send("DELETE", path, RunningPlatform.OTHER_TOKEN, null, Map.of()), 404, "POLICY_NOT_FOUND");
        assertProblem(send("GET", path + "plan/", RunningPlatform.OTHER_TOKEN, null, Map.of()), 404, "POLICY_NOT_FOUND");
        assertThat(send("GET", "/api/v1/policies/", RunningPlatform.OTHER_TOKEN, null, Map.of()).get("results"))
                .isEqualTo(List.of());
        assertThat(send("GET", "/api/v1/policies/", RunningPlatform.AUDITOR_TOKEN, null, Map.of()).status()).isEqualTo(403);
        assertThat(send("GET", path, RunningPlatform.DEMO_TOKEN, null, Map.of()).status()).isEqualTo(200);
    }

    @Test
    void badInputIsRefusedWithTheFieldNamedAndNothingIsStored() {
        int before = ((List<?>) send("GET", "/api/v1/policies/?limit=500", RunningPlatform.DEMO_TOKEN, null, Map.of())
                .get("results")).size();
        Map<String, String[]> cases = Map.ofEntries(
                Map.entry(NIGHTLY.replace("\"snapshot\"", "\"tarball\""), new String[] {"INVALID_FIELD", "kind"}),
                Map.entry(NIGHTLY.replace("[12345]", "[\"12345\"]"), new String[] {"INVALID_FIELD", "server_ids"}),
                Map.entry(NIGHTLY.replace("[12345]", "[12345, 12345]"), new String[] {"INVALID_FIELD", "server_ids"}),
                Map.entry(NIGHTLY.replace("\"server_ids\": [12345]", "\"server_ids\": [12345], \"all_servers\": true"),
                        new String[] {"INVALID_FIELD", "server_ids"}),
                Map.entry(NIGHTLY.replace("\"server_ids\": [12345]", "\"all_servers\": \"yes\""),
                        new String[] {"INVALID_FIELD", "all_servers"}),
                Map.entry(NIGHTLY.replace("Europe/Berlin", "Mars/Olympus"), new String[] {"INVALID_FIELD", "time_zone"}),
                Map.entry(NIGHTLY.replace("nightly-{server_id}", "nightly {server_id}"), new String[] {"INVALID_FIELD", "name_template"}),
                Map.entry(NIGHTLY.replace("nightly-{server_id}", "n-{host}"), new String[] {"INVALID_FIELD", "name_template"}),
                Map.entry(NIGHTLY.replace("\"keep_daily\": 2", "\"keep_daily\": -1"), new String[] {"INVALID_FIELD", "keep_daily"}),
                Map.entry(NIGHTLY.replace("\"keep_daily\": 2", "\"keep_daily\": \"2\""), new String[] {"INVALID_FIELD", "keep_daily"}),
                Map.entry(NIGHTLY.replace("\"keep_daily\": 2", "\"keep_daily\": 1001"), new String[] {"INVALID_FIELD", "keep_daily"}),
                Map.entry(NIGHTLY.replace("\"keep_daily\": 2", "\"keep_within\": \"two weeks\""), new String[] {"INVALID_FIELD", "keep_within"}),
                Map.entry(NIGHTLY.replace("\"cron\": \"0 3 * * *\", ", ""), new String[] {"INVALID_FIELD", "cron"}),
                Map.entry(NIGHTLY.replace("0 3 * * *", "every day at three"), new String[] {"INVALID_SCHEDULE", null}),
                Map.entry(NIGHTLY.replace("0 3 * * *", "0 3 * *"), new String[] {"INVALID_SCHEDULE", null}),
                Map.entry(NIGHTLY.replace("0 3 * * *", "0 0 31 2 *"), new String[] {"INVALID_SCHEDULE", null}),
                Map.entry("[1, 2]", new String[] {"INVALID_JSON", null}));
        cases.forEach((body, expected) -> {
            Answer answer = send("POST", "/api/v1/policies/", RunningPlatform.DEMO_TOKEN, body, Map.of());
            assertProblem(answer, 400, expected[0]);
            assertThat(answer.get("field")).as(body).isEqualTo(expected[1]);
        });
        // Another team's server is not found, as a missing one.
        assertProblem(send("POST", "/api/v1/policies/", RunningPlatform.DEMO_TOKEN, NIGHTLY.replace("12345", "23456"),
                Map.of()), 404, "SERVER_NOT_FOUND");
        assertProblem(send("GET", "/api/v1/policies/not-a-uuid/", RunningPlatform.DEMO_TOKEN, null, Map.of()), 400, "INVALID_ID");
        assertProblem(send("GET", "/api/v1/policies/?limit=0", RunningPlatform.DEMO_TOKEN, null, Map.of()), 400,
                "PAGE_SIZE_OUT_OF_RANGE");
        assertThat((List<?>) send("GET", "/api/v1/policies/?limit=500", RunningPlatform.DEMO_TOKEN, null, Map.of())
                .get("results")).hasSize(before);
    }

    @Test
    void listsPageOldestFirst() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add((String) send("POST", "/api/v1/policies/", RunningPlatform.OTHER_TOKEN,
                    NIGHTLY.replace("12345", "23456"), Map.of()).get("id"));
        }
        Answer first = send("GET", "/api/v1/policies/?limit=2", RunningPlatform.OTHER_TOKEN, null, Map.of());
        assertThat(first.get("count")).isEqualTo(2);
        assertThat(first.get("next")).isEqualTo(ids.get(1));
        Answer second = send("GET", "/api/v1/policies/?limit=2&after=" + first.get("next"), RunningPlatform.OTHER_TOKEN,
                null, Map.of());
        assertThat(((List<?>) second.get("results"))).singleElement()
                .satisfies(p -> assertThat(((Map<?, ?>) p).get("id")).isEqualTo(ids.get(2)));
        assertThat(second.get("next")).isNull();
        // Exactly full and the last: next is null, never a pointer to an empty page (session 42).
        Answer all = send("GET", "/api/v1/policies/?limit=3", RunningPlatform.OTHER_TOKEN, null, Map.of());
        assertThat(all.get("count")).isEqualTo(3);
        assertThat(all.get("next")).isNull();
    }

    /** A snapshot made at the simulator with the account's own token, past the platform; its id. */
    private static int atVpsOrgDirectly(String body) {
        try {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(SETUP.simulator().baseUri().resolve("/api/v1/snapshots/"))
                            .header("Authorization", "Bearer " + VpsOrgSimulator.DEMO_TOKEN)
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(response.body());
            assertThat(id.find()).isTrue();
            return Integer.parseInt(id.group(1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void thePlanShowsNextRunsAndWhatRetentionWouldDeleteAtTheSimulatorWithoutChangingIt() {
        String policy = """
                {"kind": "snapshot", "server_ids": [12345], "cron": "0 3 * * *", "time_zone": "UTC",
                 "name_template": "plan-{server_id}-{date}", "keep_daily": 2}""";
        Answer created = send("POST", "/api/v1/policies/", RunningPlatform.DEMO_TOKEN, policy, Map.of());
        String path = "/api/v1/policies/" + created.get("id") + "/plan/";
        // Three points the policy's template names, a simulated day apart, made at VPS.org directly: no
        // create of the platform's is on record for them, so their names say whose they are (ADR 0036; a
        // create made through the platform would be its caller's, whatever its name).
        List<Integer> made = new java.util.ArrayList<>();
        for (String day : List.of("20261101", "20261102", "20261103")) {
            CLOCK.advance(Duration.ofDays(1));
            made.add(atVpsOrgDirectly("{\"server_id\": 12345, \"name\": \"plan-12345-" + day + "\"}"));
        }
        CLOCK.advance(Duration.ofMinutes(1));
        SETUP.simulator().clearRequests();

        Answer plan = send("GET", path + "?runs=3", RunningPlatform.DEMO_TOKEN, null, Map.of("X-Request-Id", "policy-plan"));

        assertThat(plan.status()).as(plan.body().toString()).isEqualTo(200);
        assertThat((List<?>) plan.get("next_runs")).hasSize(3).allSatisfy(run ->
                assertThat((String) ((Map<?, ?>) run).get("at")).endsWith("T03:00:00Z"));
        assertThat(plan.get("would_delete")).isEqualTo(1);
        List<?> servers = (List<?>) plan.get("servers");
        assertThat(servers).hasSize(1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> points = (List<Map<String, Object>>) ((Map<String, Object>) servers.get(0)).get("points");
        Map<Object, Map<String, Object>> byId = new java.util.HashMap<>();
        points.forEach(p -> byId.put(p.get("id"), p));
        assertThat(byId.get(made.get(0))).containsEntry("verdict", "delete").containsEntry("made_by", "policy")
                .containsEntry("name", "plan-12345-20261101");
        assertThat((String) byId.get(made.get(0)).get("reason")).contains("daily");
        assertThat(byId.get(made.get(1))).containsEntry("verdict", "keep");
        assertThat((List<?>) byId.get(made.get(1)).get("kept_by")).singleElement()
                .satisfies(k -> assertThat(((Map<?, ?>) k).get("rule")).isEqualTo("keep_daily"));
        List<Object> rules = ((List<?>) byId.get(made.get(2)).get("kept_by")).stream()
                .map(k -> (Object) ((Map<?, ?>) k).get("rule")).toList();
        assertThat(rules).containsExactly("newest_completed", "keep_daily");
        // The seeded points were made by a person: never the policy's to delete.
        assertThat(byId.get(801)).containsEntry("made_by", "person").containsEntry("verdict", "keep");

        // Read only: VPS.org was listed, never changed; the snapshots are all still there.
        assertThat(SETUP.simulator().requests()).isNotEmpty().allMatch(r -> r.method().equals("GET"));
        Answer listed = send("GET", "/api/v1/snapshots/?server_id=12345", RunningPlatform.DEMO_TOKEN, null, Map.of());
        List<Object> listedIds = ((List<?>) listed.get("results")).stream().map(s -> (Object) ((Map<?, ?>) s).get("id")).toList();
        assertThat(listedIds).containsAll(made);
        assertThat(audit("policy-plan")).singleElement().satisfies(event -> {
            assertThat(event.operation()).isEqualTo(Operation.PLAN_POLICY);
            assertThat(event.outcome()).isInstanceOf(org.vpsrecovery.domain.audit.Outcome.Planned.class);
            assertThat(event.server()).isEmpty();
            assertThat(event.detail()).containsEntry("would_delete", "1")
                    .containsEntry("would_delete_points", "snapshot " + made.get(0)).containsEntry("changed", "nothing: a plan");
        });
        assertProblem(send("GET", path + "?runs=51", RunningPlatform.DEMO_TOKEN, null, Map.of()), 400, "INVALID_QUERY_PARAMETER");
    }
}
