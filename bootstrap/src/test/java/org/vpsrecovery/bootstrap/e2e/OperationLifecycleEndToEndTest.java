package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.cli.ExitCodes;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Issue 11 over HTTP: a create becomes an operation that the platform follows at VPS.org until the
 * snapshot is completed (the simulator completes one 5 s after creating it), the audit history
 * says so only then, and a deploy pipeline waits for it in two calls. The tracker runs as the
 * service runs it: a db-scheduler job on the real PostgreSQL.
 */
class OperationLifecycleEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults(),
            PlatformOnSimulator.with(PlatformOnSimulator.QUICK_TRACKING, Map.of(
                    "vpsr.jobs.polling-interval", "500ms",
                    "vpsr.restore-window", "0s", "vpsr.reconcile.settle-after", "1s")));

    private static List<Outcome.Kind> outcomes(String requestId) {
        return SETUP.platform().auditOf(requestId).stream().map(e -> e.event().outcome().kind()).toList();
    }

    @Test
    void snapshotThenWaitUntilCompletedInTwoCalls() {
        Answer created = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"before-deploy\"}", Map.of("X-Request-Id", "life-create"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.get("status")).isEqualTo("in_progress");
        String operation = created.header("X-Operation-Id");
        assertThat(operation).isNotBlank();
        // Taken by VPS.org is not done: nothing says completed yet.
        assertThat(outcomes("life-create")).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);

        Answer waited = SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wait=30", RunningPlatform.DEMO_TOKEN, null);

        assertThat(waited.status()).isEqualTo(200);
        assertThat(waited.body()).containsEntry("id", operation).containsEntry("state", "completed")
                .containsEntry("final", true).containsEntry("operation", "create_snapshot")
                .containsEntry("server_id", 12345).containsEntry("request_id", "life-create");
        assertThat(outcomes("life-create"))
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED, Outcome.Kind.COMPLETED);
        var completed = SETUP.platform().auditOf("life-create").get(2).event();
        assertThat(completed.detail()).containsEntry("tracked", "true").containsEntry("attempt_id", operation);
        assertThat(completed.resource()).isEqualTo(SETUP.platform().auditOf("life-create").get(1).event().resource());

        // The recoverability report counts it now, and the auditor reads the same operation.
        Answer report = SETUP.platform().send("GET", "/api/v1/audit/recoverability/", RunningPlatform.DEMO_TOKEN, null);
        @SuppressWarnings("unchecked")
        Map<String, Object> web = ((List<Map<String, Object>>) report.get("servers")).getFirst();
        assertThat(web.get("last_completed_create")).isNotNull();
        assertThat(SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/", RunningPlatform.AUDITOR_TOKEN, null)
                .get("state")).isEqualTo("completed");
    }

    @Test
    void anotherTeamsOperationIsNotFoundAndBadIdsAreRefused() {
        Answer created = SETUP.platform().send("POST", "/api/v1/backups/", RunningPlatform.DEMO_TOKEN, "{\"server_id\": 12345}");
        String operation = created.header("X-Operation-Id");

        Answer other = SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/", RunningPlatform.OTHER_TOKEN, null);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.get("reason_code")).isEqualTo("OPERATION_NOT_FOUND");
        assertThat(SETUP.platform().send("GET", "/api/v1/operations/not-a-uuid/", RunningPlatform.DEMO_TOKEN, null).status())
                .isEqualTo(400);
        assertThat(SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wait=61", RunningPlatform.DEMO_TOKEN, null)
                .get("reason_code")).isEqualTo("INVALID_QUERY_PARAMETER");
        Answer listed = SETUP.platform().send("GET", "/api/v1/operations/?server_id=12345", RunningPlatform.DEMO_TOKEN, null);
        assertThat(listed.status()).isEqualTo(200);
        // A bad page size is named as on every paged list (session 44; it was INVALID_QUERY_PARAMETER here).
        assertThat(SETUP.platform().send("GET", "/api/v1/operations/?limit=501", RunningPlatform.DEMO_TOKEN, null)
                .get("reason_code")).isEqualTo("PAGE_SIZE_OUT_OF_RANGE");
        // A typo in a filter is refused, never the unfiltered list as if filtered (ADR 0006, session 53).
        assertThat(SETUP.platform().send("GET", "/api/v1/operations/?stat=failed", RunningPlatform.DEMO_TOKEN, null)
                .get("reason_code")).isEqualTo("UNKNOWN_QUERY_PARAMETER");
        assertThat(SETUP.platform().send("GET", "/api/v1/operations/?state=failed&state=completed",
                RunningPlatform.DEMO_TOKEN, null).get("reason_code")).isEqualTo("INVALID_QUERY_PARAMETER");
        assertThat(SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wiat=30", RunningPlatform.DEMO_TOKEN,
                null).get("reason_code")).isEqualTo("UNKNOWN_QUERY_PARAMETER");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) listed.get("results");
        assertThat(results).extracting(r -> r.get("id")).contains(operation);
        assertThat(SETUP.platform().send("GET", "/api/v1/operations/", RunningPlatform.OTHER_TOKEN, null).get("count")).isEqualTo(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> ids(Answer page) {
        assertThat(page.status()).as(page.body().toString()).isEqualTo(200);
        return ((List<Map<String, Object>>) page.get("results")).stream().map(r -> r.get("id")).toList();
    }

    private static Answer operations(String query, String token) {
        return SETUP.platform().send("GET", "/api/v1/operations/" + query, token, null);
    }

    private static void assertProblem(Answer answer, int status, String reason) {
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(status);
        assertThat(answer.get("reason_code")).isEqualTo(reason);
    }

    /**
     * GET /api/v1/operations/ a page at a time (ADR 0024, amended in session 52): newest first, `next` the last shown
     * when more follow and null on the last page, `after` going on from it with the same filters, an operation accepted
     * since never inside a later page; a cursor of another team's 404, a malformed one 400 INVALID_CURSOR; vpsr
     * operations list --cursor. Before, `after` was ignored and no `next` was given: a team could read no further than
     * its newest 500.
     */
    @Test
    void aTeamListsItsOperationsAPageAtATime() {
        List<String> created = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Answer answer = SETUP.platform().send("POST", "/api/v1/backups/", RunningPlatform.DEMO_TOKEN,
                    "{\"server_id\": 12345}");
            assertThat(answer.status()).as(answer.body().toString()).isIn(201, 202);
            created.add(0, answer.header("X-Operation-Id"));
        }
        String newest = created.get(0);
        String middle = created.get(1);
        String oldest = created.get(2);
        String othersOperation = SETUP.platform().send("POST", "/api/v1/backups/", RunningPlatform.OTHER_TOKEN,
                "{\"server_id\": 23456}").header("X-Operation-Id");

        Answer first = operations("?server_id=12345&limit=2", RunningPlatform.DEMO_TOKEN);
        assertThat(ids(first)).containsExactly(newest, middle);
        assertThat(first.get("count")).isEqualTo(2);
        assertThat(first.get("next")).isEqualTo(middle);
        // One accepted since the first page comes before it, never inside a later page.
        String since = SETUP.platform().send("POST", "/api/v1/backups/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 12345}").header("X-Operation-Id");
        Answer second = operations("?server_id=12345&limit=1&after=" + middle, RunningPlatform.DEMO_TOKEN);
        assertThat(ids(second)).containsExactly(oldest);
        assertThat(ids(operations("?limit=500", RunningPlatform.DEMO_TOKEN))).startsWith(since, newest, middle, oldest)
                .doesNotContain(othersOperation);
        // The last page: next is there, and null.
        Answer all = operations("?limit=500", RunningPlatform.DEMO_TOKEN);
        assertThat(all.body()).containsKey("next");
        assertThat(all.get("next")).isNull();

        assertProblem(operations("?after=" + othersOperation, RunningPlatform.DEMO_TOKEN), 404, "OPERATION_NOT_FOUND");
        assertProblem(operations("?after=" + java.util.UUID.randomUUID(), RunningPlatform.DEMO_TOKEN), 404,
                "OPERATION_NOT_FOUND");
        assertProblem(operations("?after=not-an-operation", RunningPlatform.DEMO_TOKEN), 400, "INVALID_CURSOR");
        assertProblem(operations("?after=" + middle + "&after=" + oldest, RunningPlatform.DEMO_TOKEN), 400,
                "INVALID_QUERY_PARAMETER");
        // An auditor reads every team's, and goes on after any team's.
        assertThat(ids(operations("?limit=1&after=" + since, RunningPlatform.AUDITOR_TOKEN))).hasSize(1);

        VpsrCommands.Run listed = VpsrCommands.against(SETUP.platform()).run(RunningPlatform.DEMO_TOKEN, "operations",
                "list", "--server-id", "12345", "--limit", "1", "--cursor", newest);
        assertThat(listed.exitCode()).as(listed.err()).isEqualTo(ExitCodes.OK);
        assertThat(listed.out()).contains(middle).doesNotContain(oldest).contains("more: --cursor " + middle);
    }

    @Test
    void aLostAnswerIsFoundAtVpsOrgWithItsIdAndFollowedToCompleted() {
        SETUP.simulator().faults().add(Fault.dropConnection().on("POST", "/api/v1/snapshots/").committingFirst().times(1));
        Answer lost = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"answer-lost\"}", Map.of("X-Request-Id", "life-lost"));
        assertThat(lost.status()).isEqualTo(504);
        String operation = lost.header("X-Operation-Id");
        assertThat(operation).as("the caller can follow even a lost answer").isNotBlank();

        Answer waited = SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wait=30", RunningPlatform.DEMO_TOKEN, null);

        assertThat(waited.get("state")).isEqualTo("completed");
        assertThat(waited.get("resource")).isNotNull();
        assertThat(outcomes("life-lost")).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED,
                Outcome.Kind.SUBMITTED, Outcome.Kind.COMPLETED);
        assertThat(SETUP.platform().auditOf("life-lost").get(2).event().detail().get("message")).startsWith("found at VPS.org as snapshot");
    }
}
