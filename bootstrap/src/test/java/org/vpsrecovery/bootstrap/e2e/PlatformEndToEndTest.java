package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.OTHER_TOKEN;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.application.operation.TrackOperationsService;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.RecordedRequest;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The whole service as a team meets it: real HTTP on loopback, a real PostgreSQL (migrated by the
 * service's own Flyway at start-up), and the VPS.org simulator behind it.
 */
class PlatformEndToEndTest {

    // The simulator is reset between tests but the audit history is not: let the provider judge restores.
    // Settle-after 0: the test runs the reconciler itself, on intents it has just left open.
    // Read timeout 10 s, said here though it is the suites' default: the in-flight idempotent retry is sent while
    // VPS.org holds a create for 5 s, and no test here hangs VPS.org on purpose.
    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults(),
            Map.of("vpsr.restore-window", "0s", "vpsr.reconcile.settle-after", "0s", "vpsorg.read-timeout", "10s"));

    @BeforeEach
    void freshProvider() {
        SETUP.simulator().reset();
    }

    private static Map<String, String> requestId(String id) {
        return Map.of("X-Request-Id", id);
    }

    private static void assertProblem(Answer answer, int status, String reason) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.get("reason_code")).isEqualTo(reason);
        assertThat(answer.get("request_id")).isEqualTo(answer.header("X-Request-Id"));
    }

    private static long providerCalls(String method, String path) {
        return SETUP.simulator().requests().stream().filter(r -> r.method().equals(method) && r.path().equals(path)).count();
    }

    private static List<Outcome.Kind> outcomes(String requestId) {
        return SETUP.platform().auditOf(requestId).stream().map(e -> e.event().outcome().kind()).toList();
    }

    @Test
    void everyOperationWorksAsOnVpsOrgAndIsAuditedUnderItsRequestId() {
        Answer snapshots = SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null);
        assertThat(snapshots.status()).isEqualTo(200);
        assertThat(snapshots.get("count")).isEqualTo(2);

        Answer created = SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"before-update-snapshot\", \"description\": \"Snapshot before system update\"}",
                requestId("e2e-create-snapshot"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body()).containsEntry("status", "in_progress").containsEntry("size_mb", null);
        // Taken, not yet done: the tracker says COMPLETED once VPS.org shows the snapshot completed (ADR 0024).
        assertThat(outcomes("e2e-create-snapshot")).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
        RecordedAuditEvent completed = SETUP.platform().auditOf("e2e-create-snapshot").get(1);
        assertThat(completed.event().resource().orElseThrow().id()).isEqualTo(((Number) created.get("id")).longValue());
        assertThat(completed.event().team().value()).isEqualTo("demo");

        Answer restored = SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/", DEMO_TOKEN, null, requestId("e2e-restore"));
        assertThat(restored.status()).isEqualTo(200);
        assertThat((Map<String, Object>) restored.get("server")).containsEntry("status", "restoring");
        assertThat(outcomes("e2e-restore")).startsWith(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);

        Answer backups = SETUP.platform().send("GET", "/api/v1/backups/?server_id=12345&backup_type=automatic", DEMO_TOKEN, null);
        assertThat(backups.get("count")).isEqualTo(2);
        Answer backup = SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN,
                "{\"server_id\": 12345, \"description\": \"Pre-deployment backup\"}");
        assertThat(backup.status()).isEqualTo(201);
        assertThat(backup.body()).containsEntry("backup_type", "manual").containsEntry("expires_at", null);

        // The server is restoring at the provider: the provider's own 400 comes back as VPS.org's would.
        Answer again = SETUP.platform().send("POST", "/api/v1/servers/12345/restore/", DEMO_TOKEN, "{\"backup_id\": 501}",
                requestId("e2e-restore-again"));
        assertProblem(again, 400, "PROVIDER_REJECTED");
        assertThat(outcomes("e2e-restore-again")).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.FAILED);

        SETUP.simulator().reset();
        Answer fromBackup = SETUP.platform().send("POST", "/api/v1/servers/12345/restore/", DEMO_TOKEN, "{\"backup_id\": 501}");
        assertThat(fromBackup.status()).isEqualTo(200);
        SETUP.simulator().reset();
        assertThat(SETUP.platform().send("DELETE", "/api/v1/snapshots/798/", DEMO_TOKEN, null).status()).isEqualTo(204);
        assertThat(SETUP.platform().send("DELETE", "/api/v1/backups/499/", DEMO_TOKEN, null).status()).isEqualTo(204);
        assertThat(providerCalls("DELETE", "/api/v1/snapshots/798/")).isEqualTo(1);
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null).get("count")).isEqualTo(1);
    }

    @Test
    void aMissingOrWrongTokenIs401AndTheProviderIsNotCalled() {
        assertProblem(SETUP.platform().send("GET", "/api/v1/snapshots/", null, null), 401, "UNAUTHORIZED");
        assertProblem(SETUP.platform().send("POST", "/api/v1/backups/", "demo-token", "{\"server_id\": 12345}"), 401, "UNAUTHORIZED");
        assertThat(SETUP.simulator().requests()).isEmpty();
    }

    @Test
    void anotherTeamsResourcesAnswer404OnEveryEndpoint() {
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", OTHER_TOKEN, null).get("count")).isEqualTo(0);
        assertThat(SETUP.platform().send("GET", "/api/v1/backups/?server_id=12345", OTHER_TOKEN, null).get("count")).isEqualTo(0);
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/", OTHER_TOKEN, null).get("results")).isEqualTo(List.of());
        assertProblem(SETUP.platform().send("GET", "/api/v1/snapshots/801/", OTHER_TOKEN, null), 404, "SNAPSHOT_NOT_FOUND");
        assertProblem(SETUP.platform().send("POST", "/api/v1/snapshots/", OTHER_TOKEN, "{\"server_id\": 12345, \"name\": \"x\"}"),
                404, "SERVER_NOT_FOUND");
        assertProblem(SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/", OTHER_TOKEN, null), 404, "SNAPSHOT_NOT_FOUND");
        assertProblem(SETUP.platform().send("DELETE", "/api/v1/snapshots/801/", OTHER_TOKEN, null), 404, "SNAPSHOT_NOT_FOUND");
        assertProblem(SETUP.platform().send("GET", "/api/v1/backups/501/", OTHER_TOKEN, null), 404, "BACKUP_NOT_FOUND");
        assertProblem(SETUP.platform().send("POST", "/api/v1/backups/", OTHER_TOKEN, "{\"server_id\": 12345}"), 404, "SERVER_NOT_FOUND");
        assertProblem(SETUP.platform().send("DELETE", "/api/v1/backups/501/", OTHER_TOKEN, null), 404, "BACKUP_NOT_FOUND");
        assertProblem(SETUP.platform().send("POST", "/api/v1/servers/12345/restore/", OTHER_TOKEN, "{\"backup_id\": 501}"),
                404, "SERVER_NOT_FOUND");
        assertProblem(SETUP.platform().send("POST", "/api/v1/servers/23456/restore/", OTHER_TOKEN, "{\"backup_id\": 501}"),
                404, "BACKUP_NOT_FOUND");
        assertThat(SETUP.simulator().requests()).noneMatch(r -> !r.method().equals("GET"));
    }

    @Test
    void aReachedLimitIs400BeforeTheProviderIsAsked() {
        for (int i = 0; i < 3; i++) {
            assertThat(SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN, "{\"server_id\": 12345, \"name\": \"s" + i + "\"}")
                    .status()).isEqualTo(201);
        }
        Answer sixth = SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN, "{\"server_id\": 12345, \"name\": \"sixth\"}",
                requestId("e2e-sixth"));

        assertProblem(sixth, 400, "SNAPSHOT_LIMIT_REACHED");
        assertThat(providerCalls("POST", "/api/v1/snapshots/")).isEqualTo(3);
        assertThat(outcomes("e2e-sixth")).containsExactly(Outcome.Kind.REJECTED);
        assertThat(SETUP.platform().auditOf("e2e-sixth").get(0).event().outcome())
                .isEqualTo(new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED));
    }

    @Test
    void ofSixConcurrentCreatesOnOneServerTheSixthIsRefused() throws Exception {
        List<Integer> statuses = createConcurrently(List.of(SETUP.platform()), 6);

        assertThat(statuses).filteredOn(s -> s == 201).hasSize(5);
        assertThat(statuses).filteredOn(s -> s == 400).hasSize(1);
        assertThat(providerCalls("POST", "/api/v1/snapshots/")).isEqualTo(5);
    }

    @Test
    void twoServiceInstancesTogetherNeverPushAServerPastItsLimit() throws Exception {
        try (RunningPlatform second = RunningPlatform.start(SETUP.database().database(), SETUP.simulator(), Map.of("vpsr.restore-window", "0s"))) {
            List<Integer> statuses = createConcurrently(List.of(SETUP.platform(), second), 10);

            assertThat(statuses).filteredOn(s -> s == 201).hasSize(5);
            assertThat(statuses).filteredOn(s -> s == 400).hasSize(5);
            assertThat(providerCalls("POST", "/api/v1/snapshots/")).isEqualTo(5);
        }
    }

    private static List<Integer> createConcurrently(List<RunningPlatform> instances, int callers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                RunningPlatform instance = instances.get(i % instances.size());
                String body = "{\"server_id\": 23456, \"name\": \"race-" + i + "\"}";
                futures.add(pool.submit(() -> {
                    start.await();
                    return instance.send("POST", "/api/v1/snapshots/", OTHER_TOKEN, body).status();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : futures) {
                statuses.add(f.get(60, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void idempotencyKeysReplayRefuseMismatchesAndWaitForTheFirstWithOneProviderCreate() throws Exception {
        String body = "{\"server_id\": 12345, \"name\": \"exactly-once\"}";
        Map<String, String> key = Map.of("Idempotency-Key", "e2e-once");
        Answer first = SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN, body, key);
        Answer replay = SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN, body, key);
        assertThat(first.status()).isEqualTo(201);
        assertThat(replay.raw().body()).isEqualTo(first.raw().body());
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertProblem(SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN, "{\"server_id\": 12345, \"name\": \"other\"}", key),
                422, "IDEMPOTENCY_KEY_REUSED");
        assertThat(providerCalls("POST", "/api/v1/snapshots/")).isEqualTo(1);

        SETUP.simulator().faults().add(Fault.latency(Duration.ofSeconds(5)).on("POST", "/api/v1/backups/").times(1));
        Map<String, String> slowKey = Map.of("Idempotency-Key", "e2e-slow");
        CompletableFuture<Answer> slow = CompletableFuture.supplyAsync(() ->
                SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, "{\"server_id\": 12345}", slowKey));
        // The retry must arrive while VPS.org is still holding the first call (5 s from its arrival): look often. A cold,
        // loaded platform took 16.8 s to send it; the hold starts only when it arrives.
        await("the first call reaches VPS.org").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> providerCalls("POST", "/api/v1/backups/") > 0);
        Answer inFlight = SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, "{\"server_id\": 12345}", slowKey);
        assertProblem(inFlight, 409, "IDEMPOTENT_REQUEST_IN_PROGRESS");
        assertThat(slow.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
        assertThat(providerCalls("POST", "/api/v1/backups/")).isEqualTo(1);
    }

    @Test
    void badInputIsAnswered400AndLeavesTheAuditHistoryIntact() {
        // Each bad request names itself: the platform's background jobs (the tracker, drift scans) may read VPS.org
        // and append to the history meanwhile, for earlier tests' operations, so the checks are about these requests.
        List<String> ids = new ArrayList<>();
        String[] bodies = {"{bad json", "[]", "{\"server_id\": \"12345x\", \"name\": \"x\"}", "{\"server_id\": 12345, \"name\": \"a b\"}",
                "{\"server_id\": -1, \"name\": \"x\"}", "{\"server_id\": 12345, \"name\": \"x\", \"description\": 5}"};
        for (String body : bodies) {
            ids.add("bad-input-" + ids.size());
            Answer answer = SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN, body, requestId(ids.getLast()));
            assertThat(answer.status()).as(body).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        ids.add("bad-input-id");
        assertProblem(SETUP.platform().send("DELETE", "/api/v1/backups/0/", DEMO_TOKEN, null, requestId(ids.getLast())), 400,
                "INVALID_ID");
        ids.add("bad-input-large");
        assertProblem(SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, "{\"server_id\": 12345, \"description\": \""
                + "x".repeat(20_000) + "\"}", requestId(ids.getLast())), 413, "BODY_TOO_LARGE");
        ids.add("bad-input-route");
        assertProblem(SETUP.platform().send("GET", "/api/v1/elsewhere/", DEMO_TOKEN, null, requestId(ids.getLast())), 404,
                "ROUTE_NOT_FOUND");

        for (String id : ids) {
            assertThat(SETUP.platform().auditOf(id)).as(id).isEmpty();
        }
        assertThat(SETUP.platform().audit().verifyChain().isIntact()).isTrue();
        // Nothing was asked of VPS.org to change: background jobs only read.
        assertThat(SETUP.simulator().requests()).filteredOn(r -> !r.method().equals("GET")).isEmpty();
    }

    /** {@code vpsr_vpsorg_held_back_seconds} as /prometheus shows it; fails when the series is not there. */
    private static double heldBackSeconds() {
        String body = SETUP.platform().send("GET", "/prometheus", null, null, Map.of("Accept", "text/plain")).raw().body();
        java.util.regex.Matcher sample = java.util.regex.Pattern
                .compile("(?m)^vpsr_vpsorg_held_back_seconds(?:\\{[^}]*\\})? (\\S+)$").matcher(body);
        assertThat(sample.find()).as("vpsr_vpsorg_held_back_seconds on /prometheus").isTrue();
        return Double.parseDouble(sample.group(1));
    }

    @Test
    void providerFaultsAreAnswered502503Or504AndAudited() {
        SETUP.simulator().faults().add(Fault.serverError(503).on("GET", "/api/v1/backups/"));
        assertProblem(SETUP.platform().send("GET", "/api/v1/backups/", DEMO_TOKEN, null), 502, "PROVIDER_UNAVAILABLE");
        SETUP.simulator().faults().clear();

        SETUP.simulator().faults().add(Fault.rateLimited(Duration.ofSeconds(7)).on("POST", "/api/v1/backups/").times(1));
        Answer limited = SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, "{\"server_id\": 12345}", requestId("e2e-429"));
        assertProblem(limited, 503, "PROVIDER_RATE_LIMITED");
        assertThat(limited.header("Retry-After")).isEqualTo("7");
        assertThat(outcomes("e2e-429")).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.FAILED);
        assertThat(SETUP.platform().auditOf("e2e-429").get(1).event().providerStatus()).hasValue(429);
        // The 429 holds back every call of the client for its Retry-After (ADR 0010, amended in session 51), and the
        // operators see it on /prometheus, back to 0 once it has passed (unchecked end to end before session 52).
        var client = SETUP.platform().context.getBean(org.vpsrecovery.adapters.http.provider.VpsOrgClient.class);
        assertThat(client.heldBackFor()).isPresent();
        assertThat(heldBackSeconds()).as("vpsr_vpsorg_held_back_seconds during the hold").isPositive()
                .isLessThanOrEqualTo(7.0);
        org.awaitility.Awaitility.await("the 429's hold passes").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> client.heldBackFor().isEmpty());
        await("the gauge is back to 0").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> heldBackSeconds() == 0.0);

        // A 5xx to a create may come after VPS.org acted: outcome unknown, and the caller is told what was answered.
        SETUP.simulator().faults().add(Fault.serverError(503).on("POST", "/api/v1/backups/").times(1));
        Answer answered503 = SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, "{\"server_id\": 12345}",
                requestId("e2e-503"));
        assertProblem(answered503, 504, "OUTCOME_UNKNOWN");
        assertThat(String.valueOf(answered503.get("detail"))).contains("answered HTTP 503")
                .doesNotContain("did not answer in time");

        SETUP.simulator().faults().add(Fault.dropConnection().on("POST", "/api/v1/snapshots/").committingFirst().times(1));
        Answer lost = SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN, "{\"server_id\": 12345, \"name\": \"lost\"}",
                requestId("e2e-lost"));
        assertProblem(lost, 504, "OUTCOME_UNKNOWN");
        // A dropped connection is said as one, to the caller and in the audit, never as a timeout (ADR 0010, session 46).
        assertThat(String.valueOf(lost.get("detail"))).contains("the connection to VPS.org was dropped")
                .doesNotContain("in time");
        // Not a failure: nobody knows yet. The platform looks at VPS.org and records what it finds.
        assertThat(outcomes("e2e-lost")).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED);
        assertThat(SETUP.platform().auditOf("e2e-lost").get(1).event().outcome()).isInstanceOfSatisfying(
                Outcome.Unresolved.class, unresolved -> assertThat(unresolved.cause()).contains("was dropped"));
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", DEMO_TOKEN, null).get("count")).isEqualTo(3);
        assertThat(providerCalls("POST", "/api/v1/snapshots/")).isEqualTo(1);
        SETUP.platform().context.getBean(TrackOperationsService.class).tick();
        // Found at VPS.org with its id, and followed from there (ADR 0024).
        assertThat(outcomes("e2e-lost")).startsWith(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED, Outcome.Kind.SUBMITTED);
        RecordedAuditEvent found = SETUP.platform().auditOf("e2e-lost").get(2);
        assertThat(found.event().resource()).isPresent();
        assertThat(found.event().detail()).containsEntry("tracked", "true");
    }

    @Test
    void everyAttemptAcceptedRejectedOrFailedIsInTheAuditHistoryWithItsRequestId() {
        SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, "{\"server_id\": 12345}", requestId("audit-accepted"));
        SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, "{\"server_id\": 23456}", requestId("audit-rejected"));
        // VPS.org refuses it (a 409): failed. A 5xx may come after it acted (ADR 0010, session 37), as the 500 below.
        SETUP.simulator().faults().add(Fault.serverError(409).on("DELETE", "/api/v1/backups/499/"));
        SETUP.platform().send("DELETE", "/api/v1/backups/499/", DEMO_TOKEN, null, requestId("audit-failed"));
        SETUP.simulator().faults().clear();
        // A 500 may come after VPS.org acted: unresolved, then settled by looking (it is still there).
        SETUP.simulator().faults().add(Fault.serverError(500).on("DELETE", "/api/v1/backups/499/"));
        SETUP.platform().send("DELETE", "/api/v1/backups/499/", DEMO_TOKEN, null, requestId("audit-unresolved"));
        SETUP.simulator().faults().clear();

        assertThat(outcomes("audit-accepted")).startsWith(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
        assertThat(outcomes("audit-rejected")).containsExactly(Outcome.Kind.REJECTED);
        assertThat(outcomes("audit-failed")).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.FAILED);
        assertThat(outcomes("audit-unresolved")).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED);
        SETUP.platform().context.getBean(TrackOperationsService.class).tick();
        assertThat(outcomes("audit-unresolved"))
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED, Outcome.Kind.FAILED);
        assertThat(SETUP.platform().auditOf("audit-unresolved").get(2).event().outcome().reasonCode())
                .contains(org.vpsrecovery.domain.common.ReasonCode.NOT_DONE_AT_PROVIDER);
        assertThat(SETUP.platform().audit().verifyChain().isIntact()).isTrue();
        List<RecordedRequest> sent = SETUP.simulator().requests();
        assertThat(sent).allMatch(r -> r.header("Authorization").orElse("").equals("Bearer " + VpsOrgSimulator.DEMO_TOKEN));
    }

    @Test
    void operationsHaveHealthMetricsAndAnOpenApiDocumentWithSwaggerUi() {
        SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null);
        SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, "{\"server_id\": 12345}");

        Answer health = SETUP.platform().send("GET", "/health", null, null);
        assertThat(health.status()).as(health.raw().body()).isEqualTo(200);
        assertThat(health.get("status")).isEqualTo("UP");
        // Anyone gets the status; the details (the JDBC URL among them) only an auditor (ADR 0021).
        assertThat(health.raw().body()).doesNotContain("jdbc", "vpsorg", "details");
        assertThat(SETUP.platform().send("GET", "/health", DEMO_TOKEN, null).raw().body()).doesNotContain("jdbc", "details");
        Answer detailed = SETUP.platform().send("GET", "/health", RunningPlatform.AUDITOR_TOKEN, null);
        assertThat(detailed.status()).as(detailed.raw().body()).isEqualTo(200);
        assertThat(detailed.raw().body()).contains("jdbc", "vpsorg").doesNotContain(VpsOrgSimulator.DEMO_TOKEN);

        var metrics = SETUP.platform().send("GET", "/prometheus", null, null, Map.of("Accept", "text/plain")).raw();
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("vpsr_provider_calls_seconds_count{operation=\"list_snapshots\",outcome=\"ok\"")
                .contains("vpsr_audit_append_seconds_count")
                .contains("vpsr_provider_lists_shared_total")
                .contains("http_server_requests_seconds_count")
                .contains("vpsr_webhooks_undispatched ")
                .contains("vpsr_webhooks_undispatched_oldest_age_seconds ")
                .contains("vpsr_operations_open ")
                .contains("vpsr_operations_open_oldest_age_seconds ")
                .contains("vpsr_tracking_servers_passed_over_total ")
                .contains("vpsr_drift_servers_passed_over_total{why=\"later_release\"} ")
                .contains("vpsr_drift_servers_passed_over_total{why=\"failed\"} ")
                // Each job that keeps task data, from 0 (ADR 0024, amended in session 55).
                .contains("vpsr_jobs_task_data_unread_total{job=\"policy-runs\"} ")
                .contains("vpsr_jobs_task_data_unread_total{job=\"deliver-webhook\"} ")
                .doesNotContain(VpsOrgSimulator.DEMO_TOKEN, DEMO_TOKEN);

        var openApi = SETUP.platform().send("GET", "/swagger/vps-recovery-1.yml", null, null).raw();
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body()).contains("/api/v1/snapshots", "/api/v1/backups", "/api/v1/servers/{server_id}/restore");
        // A change's 503 names every reason it may carry (ADR 0023, amended session 40).
        assertThat(openApi.body()).contains("SERVER_LOCK_LOST", "PLATFORM_UNAVAILABLE");
        var swaggerUi = SETUP.platform().send("GET", "/swagger-ui/index.html", null, null).raw();
        assertThat(swaggerUi.statusCode()).isEqualTo(200);
        assertThat(swaggerUi.body()).contains("swagger");
    }

    @Test
    void noLogLineCarriesATokenEvenAtDebug() {
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var level = root.getLevel();
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        root.addAppender(appender);
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null);
            SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, "{\"server_id\": 12345}");
            SETUP.platform().send("GET", "/api/v1/backups/", "wrong-token-value", null);
            SETUP.simulator().faults().add(Fault.serverError(502).on("GET", "/api/v1/snapshots/"));
            SETUP.platform().send("GET", "/api/v1/snapshots/", OTHER_TOKEN, null);
        } finally {
            root.setLevel(level);
            root.detachAppender(appender);
        }
        assertThat(appender.list).isNotEmpty();
        assertThat(appender.list).allSatisfy(event -> assertThat(event.getFormattedMessage() + event.getMDCPropertyMap()
                + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage()))
                .doesNotContain(DEMO_TOKEN, OTHER_TOKEN, "wrong-token-value", "Bearer " + VpsOrgSimulator.DEMO_TOKEN)
                // nor any header dump, where a token could be cut across lines
                .doesNotContainIgnoringCase("authorizati").doesNotContain("Bearer "));
    }
}
