package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.OTHER_TOKEN;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.cli.ExitCodes;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Two-person approval of hold releases and policy changes (issue 15 item 2, ADR 0043) over HTTP, against
 * PostgreSQL, the simulator and people's JWTs checked against a JWKS on loopback. The demo team's hold releases and
 * policy changes wait for a second person (1 h); the other team's policy changes wait 2 s, then expire. The
 * settle-approvals job runs as the service runs it.
 */
class PendingChangeApprovalEndToEndTest {

    @RegisterExtension
    static final PlatformWithIdentityProvider SETUP = new PlatformWithIdentityProvider(
            SimulatorOptions.defaults(),
            Map.ofEntries(
                    Map.entry("vpsr.teams.demo.approval-required", "hold-release,policy-change"),
                    Map.entry("vpsr.teams.other-team.approval-required", "policy-change"),
                    Map.entry("vpsr.teams.other-team.approval-time-limit", "2s"),
                    Map.entry("vpsr.approvals.settle-every", "300ms"),
                    Map.entry("vpsr.jobs.polling-interval", "300ms"),
                    Map.entry("vpsr.reconcile.every", "1h")));

    private static final String NIGHTLY = """
            {"kind": "snapshot", "server_ids": [12345], "cron": "0 3 * * *", "time_zone": "Europe/Berlin",
             "name_template": "nightly-{server_id}-{date}", "keep_last": %d}""";

    private static String person(String subject, String team) {
        return SETUP.idp().member(subject, team);
    }

    private static Answer decide(String change, String token, String decision, String requestId) {
        return SETUP.platform().send("POST", "/api/v1/operations/" + change + "/approval/", token,
                "{\"decision\": \"" + decision + "\"}", Map.of("X-Request-Id", requestId));
    }

    private static Answer change(String id, String token) {
        return SETUP.platform().send("GET", "/api/v1/changes/" + id + "/", token, null);
    }

    private static void assertProblem(Answer answer, int status, String reason) {
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(status);
        assertThat(answer.get("reason_code")).isEqualTo(reason);
    }

    /** The approval steps about {@code change}, oldest first. */
    private static List<String> approvalSteps(String change) {
        return SETUP.platform().audit().query(AuditQuery.latest(500)).stream().map(RecordedAuditEvent::event)
                .filter(e -> change.equals(e.detail().get(AuditEvent.APPROVAL_OF))).toList().reversed().stream()
                .map(e -> e.operation() + " " + e.outcome().kind() + " " + Actor.of(e).map(Actor::subject).orElse("?"))
                .toList();
    }

    private static boolean holdActive(String hold) {
        Answer holds = SETUP.platform().send("GET", "/api/v1/snapshots/798/holds/", DEMO_TOKEN, null);
        return holds.body().get("results").toString().contains("id=" + hold + ", active=true");
    }

    @Test
    void aHoldStaysInForceUntilASecondPersonApprovesItsRelease() {
        String alice = person("alice@example.com", "demo");
        String bob = person("bob@example.com", "demo");
        Answer placed = SETUP.platform().send("POST", "/api/v1/snapshots/798/holds/", DEMO_TOKEN, "{\"reason\": \"incident 4711\"}");
        assertThat(placed.status()).isEqualTo(201);
        String hold = (String) placed.get("id");
        // Only a person asks: the service token's holder could approve their own request with their JWT.
        assertProblem(SETUP.platform().send("DELETE", "/api/v1/snapshots/798/holds/" + hold + "/", DEMO_TOKEN, null), 403,
                "APPROVAL_NEEDS_A_PERSON");
        assertThat(holdActive(hold)).isTrue();

        Answer asked = SETUP.platform().send("DELETE", "/api/v1/snapshots/798/holds/" + hold + "/", alice, null,
                Map.of("X-Request-Id", "release-asked"));
        assertThat(asked.status()).as(asked.body().toString()).isEqualTo(202);
        String release = asked.header("X-Operation-Id");
        assertThat(asked.body()).containsEntry("id", release).containsEntry("state", "pending_approval")
                .containsEntry("change", "hold_release").containsEntry("hold_id", hold).containsEntry("server_id", 12345);
        assertThat(change(release, alice).body()).isEqualTo(asked.body());
        assertProblem(change(release, person("erin@example.com", "other-team")), 404, "OPERATION_NOT_FOUND");
        // Still held: a delete is refused meanwhile.
        assertThat(holdActive(hold)).isTrue();
        assertProblem(SETUP.platform().send("DELETE", "/api/v1/snapshots/798/", DEMO_TOKEN, null), 409, "RECOVERY_POINT_HELD");

        assertProblem(decide(release, alice, "approve", "release-self"), 403, "SELF_APPROVAL_REFUSED");
        assertProblem(decide(release, DEMO_TOKEN, "approve", "release-service"), 403, "APPROVER_NOT_A_PERSON");
        assertProblem(decide(release, person("erin@example.com", "other-team"), "approve", "release-stranger"), 404,
                "OPERATION_NOT_FOUND");
        Answer denied = decide(release, bob, "deny", "release-denied");
        assertThat(denied.status()).isEqualTo(200);
        assertThat(denied.body()).containsEntry("state", "denied").containsEntry("final", true);
        assertThat(holdActive(hold)).isTrue();
        assertProblem(decide(release, bob, "approve", "release-again"), 409, "APPROVAL_ALREADY_DECIDED");

        String second = SETUP.platform().send("DELETE", "/api/v1/snapshots/798/holds/" + hold + "/", alice, null,
                Map.of("X-Request-Id", "release-asked-again")).header("X-Operation-Id");
        Answer approved = decide(second, bob, "approve", "release-approved");
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.body()).containsEntry("state", "completed");
        assertThat(holdActive(hold)).isFalse();

        List<String> steps = approvalSteps(release);
        assertThat(steps).hasSize(5).startsWith("REQUEST_APPROVAL COMPLETED alice@example.com",
                "APPROVE_OPERATION REJECTED alice@example.com").endsWith("DENY_OPERATION COMPLETED bob@example.com",
                "APPROVE_OPERATION REJECTED bob@example.com");
        assertThat(steps.get(2)).startsWith("APPROVE_OPERATION REJECTED demo/"); // the service token's subject
        assertThat(approvalSteps(second)).containsExactly("REQUEST_APPROVAL COMPLETED alice@example.com",
                "APPROVE_OPERATION COMPLETED bob@example.com");
        // The release itself: the approver's, naming who asked.
        List<AuditEvent> released = SETUP.platform().auditOf("release-asked-again").stream().map(RecordedAuditEvent::event)
                .filter(e -> e.operation() == Operation.RELEASE_RECOVERY_POINT_HOLD).toList();
        assertThat(released).extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
        assertThat(released).allSatisfy(e -> {
            assertThat(e.detail()).containsEntry(Actor.SUBJECT, "bob@example.com")
                    .containsEntry(AuditEvent.REQUESTED_BY, "alice@example.com");
        });
    }

    @Test
    void aPolicyChangeIsAppliedOnlyOnApprovalAndNeverOverAVersionThatMoved() {
        String alice = person("carol@example.com", "demo");
        String bob = person("dave@example.com", "demo");

        Answer asked = SETUP.platform().send("POST", "/api/v1/policies/", alice, NIGHTLY.formatted(1));
        assertThat(asked.status()).as(asked.body().toString()).isEqualTo(202);
        String create = asked.header("X-Operation-Id");
        assertThat(asked.body()).containsEntry("change", "policy_create").containsEntry("state", "pending_approval");
        @SuppressWarnings("unchecked")
        Map<String, Object> document = (Map<String, Object>) asked.get("policy");
        assertThat(document).containsEntry("keep_last", 1).containsEntry("version", 1)
                .containsEntry("id", asked.get("policy_id"));
        String policy = (String) asked.get("policy_id");
        assertProblem(SETUP.platform().send("GET", "/api/v1/policies/" + policy + "/", alice, null), 404, "POLICY_NOT_FOUND");

        assertThat(decide(create, bob, "approve", "create-approved").body()).containsEntry("state", "completed");
        Answer created = SETUP.platform().send("GET", "/api/v1/policies/" + policy + "/", alice, null);
        assertThat(created.body()).containsEntry("version", 1).containsEntry("keep_last", 1);

        // Two updates asked against version 1; a delete too. The first applied moves the policy to version 2.
        String first = SETUP.platform().send("PUT", "/api/v1/policies/" + policy + "/", alice, NIGHTLY.formatted(2),
                Map.of("If-Match", "\"1\"")).header("X-Operation-Id");
        Answer secondAsked = SETUP.platform().send("PUT", "/api/v1/policies/" + policy + "/", alice, NIGHTLY.formatted(3),
                Map.of("If-Match", "\"1\"", "X-Request-Id", "update-stale"));
        assertThat(secondAsked.status()).isEqualTo(202);
        assertThat(secondAsked.body()).containsEntry("policy_version", 1);
        String delete = SETUP.platform().send("DELETE", "/api/v1/policies/" + policy + "/", alice, null).header("X-Operation-Id");
        assertThat(SETUP.platform().send("GET", "/api/v1/policies/" + policy + "/", alice, null).body()).containsEntry("version", 1);

        assertThat(decide(first, bob, "approve", "update-approved").body()).containsEntry("state", "completed");
        assertThat(SETUP.platform().send("GET", "/api/v1/policies/" + policy + "/", alice, null).body())
                .containsEntry("version", 2).containsEntry("keep_last", 2);

        Answer stale = decide(secondAsked.header("X-Operation-Id"), bob, "approve", "update-stale-approved");
        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.body()).containsEntry("state", "rejected");
        assertThat((String) stale.get("note")).contains("POLICY_VERSION_CONFLICT");
        assertThat(decide(delete, bob, "approve", "delete-stale-approved").body()).containsEntry("state", "rejected");
        assertThat(SETUP.platform().send("GET", "/api/v1/policies/" + policy + "/", alice, null).body())
                .containsEntry("version", 2).containsEntry("keep_last", 2);
        // The refused update is filed under the request that asked for it, as the approver's, naming who asked.
        assertThat(SETUP.platform().auditOf("update-stale").stream().map(RecordedAuditEvent::event)
                .filter(e -> e.operation() == Operation.UPDATE_POLICY).toList()).singleElement().satisfies(e -> {
                    assertThat(e.outcome().reasonCode()).hasValueSatisfying(r -> assertThat(r.name())
                            .isEqualTo("POLICY_VERSION_CONFLICT"));
                    assertThat(e.detail()).containsEntry(AuditEvent.REQUESTED_BY, "carol@example.com");
                });
    }

    /** How many changes were asked for about {@code detail}'s value (a hold's or a policy's id). */
    private static long asked(String detail, String value) {
        return SETUP.platform().audit().query(AuditQuery.latest(500)).stream().map(RecordedAuditEvent::event)
                .filter(e -> e.operation() == Operation.REQUEST_APPROVAL && value.equals(e.detail().get(detail))).count();
    }

    private static void assertReplayed(Answer replay, Answer first) {
        assertThat(replay.status()).isEqualTo(first.status());
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.header("X-Operation-Id")).isEqualTo(first.header("X-Operation-Id"));
        assertThat(replay.body()).isEqualTo(first.body());
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheFirstAnswerAndAsksForNoSecondChange() {
        String heidi = person("heidi@example.com", "demo");
        String ivan = person("ivan@example.com", "demo");
        String hold = (String) SETUP.platform().send("POST", "/api/v1/snapshots/798/holds/", DEMO_TOKEN,
                "{\"reason\": \"retried release\"}").get("id");
        Map<String, String> releaseKey = Map.of("Idempotency-Key", "release-once");

        Answer release = SETUP.platform().send("DELETE", "/api/v1/snapshots/798/holds/" + hold + "/", heidi, null, releaseKey);
        assertThat(release.status()).as(release.body().toString()).isEqualTo(202);
        assertReplayed(SETUP.platform().send("DELETE", "/api/v1/snapshots/798/holds/" + hold + "/", heidi, null, releaseKey),
                release);
        assertThat(asked(AuditEvent.HOLD_ID, hold)).isEqualTo(1);
        // The same key for another request: refused, nothing asked.
        String another = (String) SETUP.platform().send("POST", "/api/v1/snapshots/798/holds/", DEMO_TOKEN,
                "{\"reason\": \"another\"}").get("id");
        assertProblem(SETUP.platform().send("DELETE", "/api/v1/snapshots/798/holds/" + another + "/", heidi, null, releaseKey),
                422, "IDEMPOTENCY_KEY_REUSED");
        assertThat(asked(AuditEvent.HOLD_ID, another)).isZero();

        Map<String, String> createKey = Map.of("Idempotency-Key", "create-once");
        Answer create = SETUP.platform().send("POST", "/api/v1/policies/", heidi, NIGHTLY.formatted(4), createKey);
        assertThat(create.status()).as(create.body().toString()).isEqualTo(202);
        assertReplayed(SETUP.platform().send("POST", "/api/v1/policies/", heidi, NIGHTLY.formatted(4), createKey), create);
        assertProblem(SETUP.platform().send("POST", "/api/v1/policies/", heidi, NIGHTLY.formatted(5), createKey), 422,
                "IDEMPOTENCY_KEY_REUSED");
        String policy = (String) create.get("policy_id");
        assertThat(decide(create.header("X-Operation-Id"), ivan, "approve", "create-once-approved").body())
                .containsEntry("state", "completed");

        Map<String, String> updateKey = Map.of("Idempotency-Key", "update-once", "If-Match", "\"1\"");
        Answer update = SETUP.platform().send("PUT", "/api/v1/policies/" + policy + "/", heidi, NIGHTLY.formatted(6), updateKey);
        assertThat(update.status()).as(update.body().toString()).isEqualTo(202);
        assertReplayed(SETUP.platform().send("PUT", "/api/v1/policies/" + policy + "/", heidi, NIGHTLY.formatted(6), updateKey),
                update);
        // If-Match is not part of what the key stands for (ADR 0027, amended in session 40): a rerun that read another
        // version gets the first answer; another body is another request.
        assertReplayed(SETUP.platform().send("PUT", "/api/v1/policies/" + policy + "/", heidi, NIGHTLY.formatted(6),
                Map.of("Idempotency-Key", "update-once", "If-Match", "\"2\"")), update);
        assertProblem(SETUP.platform().send("PUT", "/api/v1/policies/" + policy + "/", heidi, NIGHTLY.formatted(7),
                updateKey), 422, "IDEMPOTENCY_KEY_REUSED");

        Map<String, String> deleteKey = Map.of("Idempotency-Key", "delete-once");
        Answer delete = SETUP.platform().send("DELETE", "/api/v1/policies/" + policy + "/", heidi, null, deleteKey);
        assertThat(delete.status()).as(delete.body().toString()).isEqualTo(202);
        assertReplayed(SETUP.platform().send("DELETE", "/api/v1/policies/" + policy + "/", heidi, null, deleteKey), delete);
        // One change asked for each: the create, the update and the delete.
        assertThat(asked(AuditEvent.POLICY_ID, policy)).isEqualTo(3);
    }

    /** A release that needs no approval (the other team's) is replayed too: not refused as released already. */
    @Test
    void aReleaseNeedingNoApprovalRetriedWithItsKeyGetsTheFirstAnswer() {
        String erin = person("erin@example.com", "other-team");
        Answer snapshot = SETUP.platform().send("POST", "/api/v1/snapshots/", OTHER_TOKEN,
                "{\"server_id\": 23456, \"name\": \"held-once\"}");
        assertThat(snapshot.status()).as(snapshot.body().toString()).isEqualTo(201);
        String path = "/api/v1/snapshots/" + ((Number) snapshot.get("id")).longValue() + "/holds/";
        Answer placed = SETUP.platform().send("POST", path, OTHER_TOKEN, "{\"reason\": \"until the audit\"}");
        assertThat(placed.status()).as(placed.body().toString()).isEqualTo(201);
        Map<String, String> key = Map.of("Idempotency-Key", "other-release-once");

        Answer released = SETUP.platform().send("DELETE", path + placed.get("id") + "/", erin, null, key);
        assertThat(released.status()).as(released.body().toString()).isEqualTo(200);
        assertThat(released.body()).containsEntry("active", false);
        assertReplayed(SETUP.platform().send("DELETE", path + placed.get("id") + "/", erin, null, key), released);
        // Without the key, the same release is what it is now: released already.
        assertProblem(SETUP.platform().send("DELETE", path + placed.get("id") + "/", erin, null), 409, "HOLD_ALREADY_RELEASED");
    }

    @Test
    void aChangeNoOneDecidesExpiresAndChangesNothing() {
        String erin = person("erin@example.com", "other-team");
        Answer asked = SETUP.platform().send("POST", "/api/v1/policies/", erin, """
                {"kind": "snapshot", "all_servers": true, "cron": "0 4 * * *", "time_zone": "UTC",
                 "name_template": "other-{server_id}-{date}", "keep_last": 1}""");
        assertThat(asked.status()).as(asked.body().toString()).isEqualTo(202);
        String create = asked.header("X-Operation-Id");

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> "expired".equals(change(create, erin).get("state")));
        assertProblem(decide(create, person("frank@example.com", "other-team"), "approve", "too-late"), 409,
                "APPROVAL_EXPIRED");
        assertThat(SETUP.platform().send("GET", "/api/v1/policies/", erin, null).body()).containsEntry("count", 0);
        assertThat(approvalSteps(create)).containsExactly("REQUEST_APPROVAL COMPLETED erin@example.com",
                "EXPIRE_APPROVAL COMPLETED system", "APPROVE_OPERATION REJECTED frank@example.com");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(Answer page) {
        assertThat(page.status()).as(page.body().toString()).isEqualTo(200);
        return (List<Map<String, Object>>) page.get("results");
    }

    private static Answer changes(String query, String token) {
        return SETUP.platform().send("GET", "/api/v1/changes/" + query, token, null);
    }

    /**
     * GET /api/v1/changes/ (ADR 0043, amended in session 52): an approver lists what waits for them, newest asked first,
     * each as GET /api/v1/changes/{id}/ shows it, a page at a time, never another team's; a bad filter is a 400 with its
     * reason code. Before, no such route (404 ROUTE_NOT_FOUND): an approver had to be sent each id.
     */
    @Test
    void anApproverListsTheTeamsChangesWaitingForThemNewestFirstAPageAtATime() throws Exception {
        String alice = person("heidi@example.com", "demo");
        String bob = person("ivan@example.com", "demo");
        String erin = person("judy@example.com", "other-team");
        List<String> asked = new java.util.ArrayList<>();
        for (int keep = 11; keep <= 13; keep++) {
            Answer answer = SETUP.platform().send("POST", "/api/v1/policies/", alice, NIGHTLY.formatted(keep));
            assertThat(answer.status()).as(answer.body().toString()).isEqualTo(202);
            asked.add(0, answer.header("X-Operation-Id"));
        }
        String newest = asked.get(0);
        String middle = asked.get(1);
        String oldest = asked.get(2);
        Answer others = SETUP.platform().send("POST", "/api/v1/policies/", erin, """
                {"kind": "snapshot", "all_servers": true, "cron": "0 4 * * *", "time_zone": "UTC",
                 "name_template": "other-{server_id}-{date}", "keep_last": 1}""");
        assertThat(others.status()).as(others.body().toString()).isEqualTo(202);
        String othersChange = others.header("X-Operation-Id");
        assertThat(decide(middle, bob, "approve", "list-approved").body()).containsEntry("state", "completed");

        // What waits for bob: alice's two still pending, newest first, as the single GET shows each; the approved one
        // not among them. (Older pending changes of other tests may follow.)
        List<Map<String, Object>> waiting = results(changes("?state=pending_approval", bob));
        assertThat(waiting).extracting(c -> c.get("id")).startsWith(newest, oldest).doesNotContain(middle, othersChange);
        assertThat(waiting.get(0)).isEqualTo(change(newest, bob).body());
        assertThat(waiting.get(1)).isEqualTo(change(oldest, bob).body());
        assertThat(results(changes("?state=completed", bob))).extracting(c -> c.get("id")).contains(middle)
                .doesNotContain(newest, oldest);

        // Pages of two, then of one after the last shown: every change once, in order.
        Answer first = changes("?limit=2", bob);
        assertThat(results(first)).extracting(c -> c.get("id")).containsExactly(newest, middle);
        assertThat(first.get("count")).isEqualTo(2);
        assertThat(first.get("next")).isEqualTo(middle);
        Answer second = changes("?limit=1&after=" + middle, bob);
        assertThat(results(second)).extracting(c -> c.get("id")).containsExactly(oldest);
        assertThat(second.get("next")).isEqualTo(oldest);

        // Another team's never appear, in its list or as a cursor; its own list has its own.
        assertThat(results(changes("?limit=500", bob))).extracting(c -> c.get("id")).doesNotContain(othersChange);
        assertThat(results(changes("", erin))).extracting(c -> c.get("id")).contains(othersChange)
                .doesNotContain(newest, middle, oldest);
        assertProblem(changes("?after=" + othersChange, bob), 404, "OPERATION_NOT_FOUND");

        assertProblem(changes("?state=failed", bob), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(changes("?state=pending_approval&state=approved", bob), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(changes("?sate=pending_approval", bob), 400, "UNKNOWN_QUERY_PARAMETER");
        // One kind's (session 53): alice's are policy creates; no hold release of hers is among them.
        assertThat(results(changes("?kind=policy_create&limit=500", bob))).extracting(c -> c.get("id"))
                .contains(newest, middle, oldest);
        assertThat(results(changes("?kind=policy_create&limit=500", bob))).extracting(c -> c.get("change"))
                .containsOnly("policy_create");
        assertThat(results(changes("?kind=policy_delete&state=pending_approval&limit=500", bob)))
                .extracting(c -> c.get("id")).doesNotContain(newest, middle, oldest);
        assertProblem(changes("?kind=restore", bob), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(changes("?limit=0", bob), 400, "PAGE_SIZE_OUT_OF_RANGE");
        assertProblem(changes("?limit=501", bob), 400, "PAGE_SIZE_OUT_OF_RANGE");
        assertProblem(changes("?after=not-a-change", bob), 400, "INVALID_CURSOR");

        // vpsr changes list: the same page, its next named.
        VpsrCommands.Run listed = VpsrCommands.against(SETUP.platform()).run(bob, "changes", "list", "--state",
                "pending_approval", "--limit", "1");
        assertThat(listed.exitCode()).as(listed.err()).isEqualTo(ExitCodes.OK);
        assertThat(listed.out()).contains(newest).contains("policy_create").contains("heidi@example.com")
                .doesNotContain(oldest).contains("more: --cursor " + newest);
    }

    /** vpsr: a 202 prints the change and its id; --wait follows it to its end, exit 6 when it ends expired. */
    @Test
    void vpsrPrintsThePendingChangeAndWaitsForItsEnd() throws Exception {
        VpsrCommands vpsr = VpsrCommands.against(SETUP.platform());
        String erin = person("erin@example.com", "other-team");

        VpsrCommands.Run waited = vpsr.run(erin, "-o", "json", "policies", "create", "--kind", "snapshot", "--all-servers",
                "--cron", "0 5 * * *", "--time-zone", "UTC", "--name-template", "cli-{server_id}-{date}", "--keep-last", "1",
                "--wait", "--timeout", "30");

        assertThat(waited.exitCode()).as(waited.err()).isEqualTo(ExitCodes.OPERATION_FAILED);
        String change = new com.fasterxml.jackson.databind.ObjectMapper().readTree(waited.out()).path("id").asText();
        assertThat(waited.err()).contains("pending approval: change " + change).contains("ended expired");
        assertThat(change(change, erin).get("state")).isEqualTo("expired");

        VpsrCommands.Run asked = vpsr.run(person("grace@example.com", "demo"), "policies", "create", "--kind", "snapshot",
                "--server-id", "12345", "--cron", "0 6 * * *", "--time-zone", "UTC", "--name-template",
                "cli-{server_id}-{date}", "--keep-last", "1");
        assertThat(asked.exitCode()).as(asked.err()).isEqualTo(ExitCodes.OK);
        assertThat(asked.err()).contains("pending approval: change ");
    }
}
