package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Issue 14 item 5 over HTTP, on the real PostgreSQL and the simulator: a hold blocks every delete of
 * its point until released (audited both ways); a legal hold is released by auditors only; and a hold
 * racing a delete on two instances never lets the held point go.
 */
class RecoveryPointHoldsEndToEndTest {

    static final Map<String, Object> SETTINGS = Map.of(
            "vpsr.teams.demo.servers", "12345,23456", "vpsr.teams.other-team.servers", "34567");

    // Snapshots complete at once: the race rounds delete what they just made.
    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withDelays(Duration.ZERO, Duration.ofSeconds(10)),
            SETTINGS);

    private static void assertProblem(Answer answer, int status, String reason) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.get("reason_code")).isEqualTo(reason);
    }

    private static List<AuditEvent> audit(String requestId) {
        return SETUP.platform().auditOf(requestId).stream().map(e -> e.event()).toList();
    }

    private static boolean deletedAtSimulator(String kind, long id) {
        return SETUP.simulator().requests().stream().anyMatch(r -> r.method().equals("DELETE") && r.path().contains("/" + kind + "/" + id));
    }

    @Test
    void aTeamHoldBlocksTheDeleteUntilReleasedAndBothAreAudited() {
        Answer placed = SETUP.platform().send("POST", "/api/v1/snapshots/798/holds/", RunningPlatform.DEMO_TOKEN,
                "{\"reason\": \"incident 4711: keep the state before the upgrade\"}", Map.of("X-Request-Id", "hold-place"));
        assertThat(placed.status()).isEqualTo(201);
        String hold = (String) placed.get("id");
        assertThat(placed.body()).containsEntry("active", true).containsEntry("kind", "team").containsEntry("team", "demo")
                .containsEntry("placed_by", "team:demo")
                .containsEntry("recovery_point", Map.of("type", "snapshot", "id", 798, "server_id", 12345));
        assertThat(audit("hold-place")).extracting(e -> e.outcome().kind())
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
        assertThat(audit("hold-place")).allSatisfy(e -> {
            assertThat(e.operation()).isEqualTo(Operation.PLACE_RECOVERY_POINT_HOLD);
            assertThat(e.detail()).containsEntry(AuditEvent.HOLD_ID, hold)
                    .containsEntry(AuditEvent.HOLD_REASON, "incident 4711: keep the state before the upgrade");
        });

        Answer listed = SETUP.platform().send("GET", "/api/v1/snapshots/798/holds/", RunningPlatform.DEMO_TOKEN, null);
        assertThat(listed.body()).containsEntry("count", 1);
        assertProblem(SETUP.platform().send("GET", "/api/v1/snapshots/798/holds/", RunningPlatform.OTHER_TOKEN, null), 404,
                "SNAPSHOT_NOT_FOUND");

        Answer refused = SETUP.platform().send("DELETE", "/api/v1/snapshots/798/", RunningPlatform.DEMO_TOKEN, null,
                Map.of("X-Request-Id", "held-delete"));
        assertProblem(refused, 409, "RECOVERY_POINT_HELD");
        assertThat((String) refused.get("detail")).contains(hold);
        assertThat(audit("held-delete")).singleElement().satisfies(e ->
                assertThat(e.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.RECOVERY_POINT_HELD)));
        assertThat(deletedAtSimulator("snapshots", 798)).isFalse();

        assertProblem(SETUP.platform().send("DELETE", "/api/v1/snapshots/798/holds/" + hold + "/", RunningPlatform.OTHER_TOKEN, null),
                404, "HOLD_NOT_FOUND");
        assertProblem(SETUP.platform().send("DELETE", "/api/v1/snapshots/798/holds/not-a-uuid/", RunningPlatform.DEMO_TOKEN, null),
                400, "INVALID_ID");
        Answer released = SETUP.platform().send("DELETE", "/api/v1/snapshots/798/holds/" + hold + "/", RunningPlatform.DEMO_TOKEN,
                null, Map.of("X-Request-Id", "hold-release"));
        assertThat(released.status()).isEqualTo(200);
        assertThat(released.body()).containsEntry("active", false).containsEntry("released_by", "team:demo");
        assertThat(audit("hold-release")).extracting(e -> e.outcome().kind())
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
        assertThat(audit("hold-release")).allSatisfy(e -> assertThat(e.operation()).isEqualTo(Operation.RELEASE_RECOVERY_POINT_HOLD));
        assertProblem(SETUP.platform().send("DELETE", "/api/v1/snapshots/798/holds/" + hold + "/", RunningPlatform.DEMO_TOKEN, null),
                409, "HOLD_ALREADY_RELEASED");

        assertThat(SETUP.platform().send("DELETE", "/api/v1/snapshots/798/", RunningPlatform.DEMO_TOKEN, null).status()).isEqualTo(204);
        assertThat(deletedAtSimulator("snapshots", 798)).isTrue();
    }

    @Test
    void aLegalHoldIsPlacedAndReleasedByAuditorsOnly() {
        Answer placed = SETUP.platform().send("POST", "/api/v1/backups/499/holds/", RunningPlatform.AUDITOR_TOKEN,
                "{\"reason\": \"litigation hold 2026-17\"}", Map.of("X-Request-Id", "legal-place"));
        assertThat(placed.status()).isEqualTo(201);
        assertThat(placed.body()).containsEntry("kind", "legal").containsEntry("placed_by", "auditor:compliance")
                .containsEntry("team", "demo");
        String hold = (String) placed.get("id");
        assertThat(audit("legal-place")).allSatisfy(e -> assertThat(e.detail()).containsEntry(AuditEvent.ACTOR, "auditor:compliance"));

        assertProblem(SETUP.platform().send("DELETE", "/api/v1/backups/499/", RunningPlatform.DEMO_TOKEN, null), 409, "RECOVERY_POINT_HELD");
        Answer teamRelease = SETUP.platform().send("DELETE", "/api/v1/backups/499/holds/" + hold + "/", RunningPlatform.DEMO_TOKEN,
                null, Map.of("X-Request-Id", "legal-team-release"));
        assertProblem(teamRelease, 403, "LEGAL_HOLD_NOT_RELEASABLE");
        assertThat(audit("legal-team-release")).singleElement().satisfies(e ->
                assertThat(e.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.LEGAL_HOLD_NOT_RELEASABLE)));
        // The auditor's token still reaches nothing else that changes.
        assertProblem(SETUP.platform().send("DELETE", "/api/v1/backups/499/", RunningPlatform.AUDITOR_TOKEN, null), 403, "FORBIDDEN_FOR_ROLE");

        assertThat(SETUP.platform().send("GET", "/api/v1/backups/499/holds/", RunningPlatform.AUDITOR_TOKEN, null).get("count")).isEqualTo(1);
        Answer released = SETUP.platform().send("DELETE", "/api/v1/backups/499/holds/" + hold + "/", RunningPlatform.AUDITOR_TOKEN, null);
        assertThat(released.status()).isEqualTo(200);
        assertThat(released.body()).containsEntry("released_by", "auditor:compliance");
        assertThat(deletedAtSimulator("backups", 499)).isFalse();
        assertThat(SETUP.platform().send("DELETE", "/api/v1/backups/499/", RunningPlatform.DEMO_TOKEN, null).status()).isEqualTo(204);
    }

    /**
     * The OpenAPI document publishes the routes without their trailing slash and the router answers both forms
     * (ADR 0006): an auditor's holds and operation reads answer the same either way, and the routes auditors may not
     * call stay refused in both (ADR 0006, amended in session 39).
     */
    @Test
    void anAuditorsRoutesAnswerWithoutTheirTrailingSlashAsWithIt() {
        Answer placed = SETUP.platform().send("POST", "/api/v1/backups/501/holds", RunningPlatform.AUDITOR_TOKEN,
                "{\"reason\": \"litigation hold 2026-39\"}");
        assertThat(placed.status()).as(placed.raw().body()).isEqualTo(201);
        assertThat(placed.body()).containsEntry("kind", "legal").containsEntry("placed_by", "auditor:compliance");
        String hold = (String) placed.get("id");
        for (String path : List.of("/api/v1/backups/501/holds", "/api/v1/backups/501/holds/")) {
            Answer listed = SETUP.platform().send("GET", path, RunningPlatform.AUDITOR_TOKEN, null);
            assertThat(listed.status()).as(path).isEqualTo(200);
            assertThat(listed.get("count")).as(path).isEqualTo(1);
        }
        for (String path : List.of("/api/v1/operations", "/api/v1/operations/", "/api/v1/operations?server_id=12345",
                "/api/v1/operations/?server_id=12345")) {
            assertThat(SETUP.platform().send("GET", path, RunningPlatform.AUDITOR_TOKEN, null).status()).as(path).isEqualTo(200);
        }
        for (String[] call : List.of(new String[] {"DELETE", "/api/v1/backups/501"}, new String[] {"DELETE", "/api/v1/backups/501/"},
                new String[] {"GET", "/api/v1/backups"}, new String[] {"GET", "/api/v1/servers/12345"},
                new String[] {"DELETE", "/api/v1/backups/501/holds/" + hold + "/extra"})) {
            assertProblem(SETUP.platform().send(call[0], call[1], RunningPlatform.AUDITOR_TOKEN, null), 403, "FORBIDDEN_FOR_ROLE");
        }

        Answer released = SETUP.platform().send("DELETE", "/api/v1/backups/501/holds/" + hold, RunningPlatform.AUDITOR_TOKEN, null);
        assertThat(released.status()).as(released.raw().body()).isEqualTo(200);
        assertThat(released.body()).containsEntry("active", false).containsEntry("released_by", "auditor:compliance");
    }

    @Test
    void anAuditorsIdempotencyKeyPlacesOneLegalHoldAndIsApartFromATeamsSameKey() {
        String body = "{\"reason\": \"litigation hold 2026-18\"}";
        Map<String, String> keyed = Map.of("Idempotency-Key", "legal-801", "X-Request-Id", "legal-keyed");
        Answer placed = SETUP.platform().send("POST", "/api/v1/snapshots/801/holds/", RunningPlatform.AUDITOR_TOKEN, body, keyed);
        assertThat(placed.status()).isEqualTo(201);
        String hold = (String) placed.get("id");

        Answer replayed = SETUP.platform().send("POST", "/api/v1/snapshots/801/holds/", RunningPlatform.AUDITOR_TOKEN, body,
                Map.of("Idempotency-Key", "legal-801", "X-Request-Id", "legal-keyed-again"));
        assertThat(replayed.status()).isEqualTo(201);
        assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replayed.get("id")).isEqualTo(hold);
        assertThat(audit("legal-keyed-again")).isEmpty(); // nothing asked twice
        assertProblem(SETUP.platform().send("POST", "/api/v1/snapshots/801/holds/", RunningPlatform.AUDITOR_TOKEN,
                "{\"reason\": \"another reason\"}", Map.of("Idempotency-Key", "legal-801")), 422, "IDEMPOTENCY_KEY_REUSED");

        // The team owning the point uses the same key: its own record, its own hold.
        Answer teams = SETUP.platform().send("POST", "/api/v1/snapshots/801/holds/", RunningPlatform.DEMO_TOKEN, body,
                Map.of("Idempotency-Key", "legal-801"));
        assertThat(teams.status()).isEqualTo(201);
        assertThat(teams.header("Idempotent-Replayed")).isNull();
        assertThat(teams.body()).containsEntry("kind", "team");
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/801/holds/", RunningPlatform.AUDITOR_TOKEN, null).get("count"))
                .isEqualTo(2);

        Map<String, String> releaseKey = Map.of("Idempotency-Key", "legal-801-release");
        Answer released = SETUP.platform().send("DELETE", "/api/v1/snapshots/801/holds/" + hold + "/", RunningPlatform.AUDITOR_TOKEN,
                null, releaseKey);
        assertThat(released.status()).isEqualTo(200);
        Answer releasedAgain = SETUP.platform().send("DELETE", "/api/v1/snapshots/801/holds/" + hold + "/",
                RunningPlatform.AUDITOR_TOKEN, null, releaseKey);
        assertThat(releasedAgain.status()).isEqualTo(200); // the first answer, not 409 HOLD_ALREADY_RELEASED
        assertThat(releasedAgain.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(SETUP.platform().send("DELETE", "/api/v1/snapshots/801/holds/" + teams.get("id") + "/", RunningPlatform.DEMO_TOKEN,
                null).status()).isEqualTo(200);
    }

    @Test
    void badInputIsRefusedAsProblems() {
        assertProblem(SETUP.platform().send("POST", "/api/v1/snapshots/801/holds/", RunningPlatform.DEMO_TOKEN, "{}"), 400, "INVALID_FIELD");
        assertProblem(SETUP.platform().send("POST", "/api/v1/snapshots/801/holds/", RunningPlatform.DEMO_TOKEN,
                "{\"reason\": \"two\\nlines\"}"), 400, "INVALID_FIELD");
        assertProblem(SETUP.platform().send("POST", "/api/v1/snapshots/99999/holds/", RunningPlatform.DEMO_TOKEN,
                "{\"reason\": \"gone\"}"), 404, "SNAPSHOT_NOT_FOUND");
        assertProblem(SETUP.platform().send("POST", "/api/v1/snapshots/x/holds/", RunningPlatform.DEMO_TOKEN,
                "{\"reason\": \"r\"}"), 400, "INVALID_ID");
    }

    /**
     * A hold and a delete of the same fresh snapshot, sent at once to two instances, many rounds:
     * exactly one wins each round, and a placed hold always finds its snapshot still at VPS.org.
     */
    @Test
    void aHoldRacingADeleteOnTwoInstancesNeverLetsTheHeldPointGo() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (RunningPlatform second = RunningPlatform.start(SETUP.database().database(), SETUP.simulator(), SETTINGS)) {
            for (int round = 0; round < 15; round++) {
                Answer made = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                        "{\"server_id\": 23456, \"name\": \"race-" + round + "\"}");
                assertThat(made.status()).isEqualTo(201);
                long id = ((Number) made.get("id")).longValue();
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<Answer> hold = CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return SETUP.platform().send("POST", "/api/v1/snapshots/" + id + "/holds/", RunningPlatform.DEMO_TOKEN,
                            "{\"reason\": \"race\"}");
                }, pool);
                CompletableFuture<Answer> delete = CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return second.send("DELETE", "/api/v1/snapshots/" + id + "/", RunningPlatform.DEMO_TOKEN, null);
                }, pool);
                go.countDown();
                int held = hold.get().status();
                int deleted = delete.get().status();

                assertThat(List.of(held, deleted)).as("round %d: hold %d, delete %d", round, held, deleted)
                        .isIn(List.of(201, 409), List.of(404, 204));
                assertThat(deletedAtSimulator("snapshots", id)).isEqualTo(deleted == 204);
                if (held == 201) {
                    assertThat(delete.get().get("reason_code")).isEqualTo("RECOVERY_POINT_HELD");
                    String holdId = (String) hold.get().get("id");
                    assertThat(SETUP.platform().send("DELETE", "/api/v1/snapshots/" + id + "/holds/" + holdId + "/",
                            RunningPlatform.DEMO_TOKEN, null).status()).isEqualTo(200);
                    assertThat(second.send("DELETE", "/api/v1/snapshots/" + id + "/", RunningPlatform.DEMO_TOKEN, null)
                            .status()).isEqualTo(204);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch go) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
