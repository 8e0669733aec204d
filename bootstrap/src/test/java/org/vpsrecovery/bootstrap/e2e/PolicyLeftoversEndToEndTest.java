package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.application.policy.RunPoliciesService.Run;
import org.vpsrecovery.application.policy.RunPoliciesService.RunResult;
import org.vpsrecovery.bootstrap.PolicyRunJobs;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Issue 14's leftovers over the whole platform (ADR 0036; PostgreSQL, the real per-server lock, the
 * simulator, db-scheduler): a manual-backup policy at its team's limit of three rotates the oldest backup
 * it made, never the person's; a restore's safety snapshot at the snapshot limit of five makes room by a
 * policy's retention, and the dry run says which snapshot would go; a run VPS.org answered 503 is tried
 * again by db-scheduler before its next cron time. Policy ticks are driven through the bean with chosen
 * windows (the job's own timer is an hour); each test deletes its policy, so none runs in another's windows.
 */
class PolicyLeftoversEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withDelays(Duration.ZERO, Duration.ofSeconds(1)),
            PlatformOnSimulator.with(PlatformOnSimulator.QUICK_TRACKING, Map.ofEntries(
                    Map.entry("vpsr.policies.tick-every", "1h"),
                    Map.entry("vpsr.policies.retry-first", "1s"),
                    Map.entry("vpsr.teams.demo.servers", "12345,23456"), Map.entry("vpsr.teams.other-team.servers", "34567"),
                    Map.entry("vpsr.teams.demo.manual-backups-per-server", "3"),
                    Map.entry("vpsr.teams.demo.safety-snapshot", "true"),
                    Map.entry("vpsr.jobs.polling-interval", "500ms"),
                    Map.entry("vpsr.restores.continue-every", "500ms"), Map.entry("vpsr.restore-window", "2s"))));

    static PolicyRunJobs jobs;

    @BeforeAll
    static void start() {
        jobs = SETUP.platform().context.getBean(PolicyRunJobs.class);
        // The job's own first run (due at start, looking back an hour) ends before any test's policy exists.
        SETUP.awaitFirstRunOf("policy-runs");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(String path) {
        return (List<Map<String, Object>>) SETUP.platform().send("GET", path, RunningPlatform.DEMO_TOKEN, null).get("results");
    }

    private static String createPolicy(String body) {
        Answer created = SETUP.platform().send("POST", "/api/v1/policies/", RunningPlatform.DEMO_TOKEN, body);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return (String) created.get("id");
    }

    private static void deletePolicy(String id) {
        assertThat(SETUP.platform().send("DELETE", "/api/v1/policies/" + id + "/", RunningPlatform.DEMO_TOKEN, null).status())
                .isEqualTo(204);
    }

    private static List<AuditEvent> events(Operation operation) {
        return SETUP.platform().audit().query(AuditQuery.latest(500)).stream().map(RecordedAuditEvent::event)
                .filter(e -> e.operation() == operation).toList();
    }

    /** The minute windows after the next whole minute, one run each. */
    private static Run tickMinute(Instant start, int minute) {
        List<Run> done = jobs.tick(start.plus(Duration.ofMinutes(minute - 1)).plusSeconds(30),
                start.plus(Duration.ofMinutes(minute)).plusSeconds(30));
        assertThat(done).hasSize(1);
        return done.getFirst();
    }

    @Test
    void aManualBackupPolicyAtTheLimitRotatesTheOldestBackupItMadeAndNeverThePersons() {
        // A person's backup named as the policy's template would name it: its create is on record as the
        // person's, so it is never the policy's to rotate (ADR 0036), though its name matches.
        Answer byHand = SETUP.platform().send("POST", "/api/v1/backups/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 23456, \"description\": \"nightly-23456-20200101-0300\"}");
        assertThat(byHand.status()).as(byHand.body().toString()).isEqualTo(201);
        Object personsBackup = byHand.get("id");
        String policy = createPolicy("""
                {"kind": "manual_backup", "server_ids": [23456], "cron": "* * * * *", "time_zone": "UTC",
                 "name_template": "nightly-{server_id}-{date}-{time}", "keep_last": 2}""");
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        try {
            assertThat(tickMinute(start, 1).result()).isEqualTo(RunResult.MADE);
            assertThat(tickMinute(start, 2).result()).isEqualTo(RunResult.MADE);
            List<Map<String, Object>> full = results("/api/v1/backups/?server_id=23456&backup_type=manual");
            assertThat(full).hasSize(3);
            Object oldestMade = full.stream().filter(b -> !b.get("id").equals(personsBackup))
                                        // Named by their cron minute: the smallest name is the oldest run's.
                    .min(java.util.Comparator.comparing(b -> (String) b.get("description"))).orElseThrow().get("id");

            Run third = tickMinute(start, 3);

            assertThat(third.result()).isEqualTo(RunResult.MADE);
            List<Map<String, Object>> after = results("/api/v1/backups/?server_id=23456&backup_type=manual");
            assertThat(after).hasSize(3).extracting(b -> b.get("id")).contains(personsBackup).doesNotContain(oldestMade);
            assertThat(events(Operation.DELETE_BACKUP)).filteredOn(e -> e.outcome() instanceof Outcome.Accepted)
                    .singleElement().satisfies(e -> {
                        assertThat(e.resource().orElseThrow().id()).isEqualTo(((Number) oldestMade).longValue());
                        assertThat(e.requestId().value()).isEqualTo("policy-rotation:" + policy + ":backup:" + oldestMade);
                    });
            assertThat(events(Operation.CREATE_MANUAL_BACKUP)).filteredOn(e -> e.outcome() instanceof Outcome.Submitted)
                    .anySatisfy(e -> assertThat(e.detail()).containsEntry(AuditEvent.ROTATED, "backup " + oldestMade)
                            .containsEntry(AuditEvent.POLICY_ID, policy));
        } finally {
            deletePolicy(policy);
        }
    }

    @Test
    void aRestoresSafetySnapshotAtTheLimitMakesRoomByAPolicysRetentionAndThePlanSaysWhichGoes() {
        String policy = createPolicy("""
                {"kind": "snapshot", "server_ids": [12345], "cron": "* * * * *", "time_zone": "UTC",
                 "name_template": "every-{server_id}-{date}-{time}", "keep_last": 3}""");
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        try {
            for (int minute = 1; minute <= 3; minute++) {
                assertThat(tickMinute(start, minute).result()).isEqualTo(RunResult.MADE);
            }
            List<Map<String, Object>> full = results("/api/v1/snapshots/?server_id=12345");
            assertThat(full).hasSize(5);
            Object oldestMade = full.stream().filter(s -> ((String) s.get("name")).startsWith("every-"))
                    .min(java.util.Comparator.comparing(s -> (String) s.get("name"))).orElseThrow().get("id");
            // The team now keeps only the newest: two of its snapshots may go, at the next run or for room.
            Answer read = SETUP.platform().send("GET", "/api/v1/policies/" + policy + "/", RunningPlatform.DEMO_TOKEN, null);
            Answer changed = SETUP.platform().send("PUT", "/api/v1/policies/" + policy + "/", RunningPlatform.DEMO_TOKEN, """
                    {"kind": "snapshot", "server_ids": [12345], "cron": "* * * * *", "time_zone": "UTC",
                     "name_template": "every-{server_id}-{date}-{time}", "keep_last": 1}""",
                    Map.of("If-Match", read.header("ETag")));
            assertThat(changed.status()).as(changed.body().toString()).isEqualTo(200);

            Answer plan = SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/?dry_run=true", RunningPlatform.DEMO_TOKEN, null);
            assertThat(plan.status()).isEqualTo(200);
            assertThat(plan.get("allowed")).isEqualTo(true);
            assertThat(plan.get("effects")).asList().first().isEqualTo(Map.of("effect", "delete", "server_id", 12345,
                    "recovery_point", Map.of("type", "snapshot", "id", oldestMade, "server_id", 12345)));
            assertThat(results("/api/v1/snapshots/?server_id=12345")).hasSize(5);

            Answer accepted = SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/", RunningPlatform.DEMO_TOKEN, null,
                    Map.of("X-Request-Id", "restore-at-the-limit"));

            assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
            String operation = accepted.header("X-Operation-Id");
            List<Map<String, Object>> after = results("/api/v1/snapshots/?server_id=12345");
            assertThat(after).hasSize(5).extracting(s -> s.get("id")).doesNotContain(oldestMade).contains(801, 798);
            assertThat(after).extracting(s -> s.get("name")).contains("vpsr-safety-" + operation);
            assertThat(events(Operation.DELETE_SNAPSHOT)).filteredOn(e -> e.outcome() instanceof Outcome.Accepted)
                    .filteredOn(e -> e.resource().orElseThrow().id() == ((Number) oldestMade).longValue())
                    .singleElement().satisfies(e -> assertThat(e.requestId().value())
                            .isEqualTo("policy-rotation:" + policy + ":snapshot:" + oldestMade));
            Answer waited = SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wait=30", RunningPlatform.DEMO_TOKEN, null);
            for (int round = 0; round < 4 && !Boolean.TRUE.equals(waited.get("final")); round++) {
                waited = SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wait=30", RunningPlatform.DEMO_TOKEN, null);
            }
            // A restore's window ended: unverifiable, never completed (ADR 0024, amended in session 49).
            assertThat(waited.get("state")).isEqualTo("timed_out");
        } finally {
            deletePolicy(policy);
        }
    }

    @Test
    void aRunVpsOrgRefusedIsTriedAgainByDbSchedulerBeforeItsNextCronTime() {
        String policy = createPolicy("""
                {"kind": "manual_backup", "server_ids": [12345], "cron": "*/5 * * * *", "time_zone": "UTC",
                 "name_template": "retried-{server_id}-{date}-{time}", "keep_last": 5}""");
        // A cron time ahead of now, so its next one is five minutes away: the retry is owed until then.
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        // A 429 is a refusal; a 5xx would leave the run unresolved (VPS.org may have acted: ADR 0010, session 37).
        SETUP.simulator().faults().add(Fault.rateLimited(Duration.ofSeconds(1)).on("POST", "/api/v1/backups/").times(1));
        try {
            List<Run> done = jobs.tick(start.minusSeconds(30), start.plus(Duration.ofMinutes(1)));

            assertThat(done).singleElement().satisfies(run -> assertThat(run.result()).isEqualTo(RunResult.FAILED));
            // The 429 holds back the client's calls, this test's reads too, for its Retry-After (ADR 0010, session 51).
            var client = SETUP.platform().context.getBean(org.vpsrecovery.adapters.http.provider.VpsOrgClient.class);
            await("the 429's hold passes").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> client.heldBackFor().isEmpty());
            String name = "retried-12345-" + start.toString().substring(0, 10).replace("-", "") + "-"
                    + start.toString().substring(11, 16).replace(":", "");
            await("the retry makes the backup").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> results("/api/v1/backups/?server_id=12345&backup_type=manual").stream()
                            .anyMatch(b -> name.equals(b.get("description"))));
            String requestId = "policy-run:" + policy + ":12345:" + start.getEpochSecond();
            assertThat(SETUP.platform().auditOf(requestId)).extracting(e -> e.event().outcome().kind().name())
                    .containsSubsequence("FAILED", "ACCEPTED", "SUBMITTED");
        } finally {
            SETUP.simulator().faults().clear();
            deletePolicy(policy);
        }
    }
}
