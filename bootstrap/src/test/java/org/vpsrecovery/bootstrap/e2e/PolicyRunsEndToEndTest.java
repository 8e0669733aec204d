package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.application.policy.RunPoliciesService.Run;
import org.vpsrecovery.application.policy.RunPoliciesService.RunResult;
import org.vpsrecovery.bootstrap.PolicyRunJobs;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Issue 14's scheduled runs and rotation over the whole platform (PostgreSQL, the real per-server lock,
 * the simulator): a policy every minute keeping its last three, its tick driven through the bean with
 * chosen windows of time (the cluster job's timer is set to an hour so it stays out of the way). Three runs
 * fill the server to five, which retention keeps whole; the fourth, counted, lets the oldest go. Runs create snapshots at the
 * simulator through the audited create; at the provider's limit of five the oldest policy-made one is
 * rotated away through the audited delete, the two person-made seeded ones stay; a window of an hour
 * missed still yields one run.
 */
class PolicyRunsEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withDelays(Duration.ZERO, Duration.ofSeconds(10)),
            Map.of("vpsr.policies.tick-every", "1h"));

    private static List<Map<String, Object>> snapshotsOfWeb() {
        Answer listed = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", RunningPlatform.DEMO_TOKEN, null);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) listed.get("results");
        return results;
    }

    private static List<AuditEvent> eventsOf(Operation operation, String policyId) {
        return SETUP.platform().audit().query(org.vpsrecovery.domain.audit.AuditQuery.latest(200)).stream()
                .map(RecordedAuditEvent::event).filter(e -> e.operation() == operation)
                .filter(e -> policyId == null || policyId.equals(e.detail().get(AuditEvent.POLICY_ID))).toList();
    }

    @Test
    void aPolicyEveryMinuteRunsOncePerWindowAndRotatesAtTheLimit() {
        // The job's own first run (due at start, looking back an hour) ends before the policy exists, not in its windows.
        SETUP.awaitFirstRunOf("policy-runs");
        Answer created = SETUP.platform().send("POST", "/api/v1/policies/", RunningPlatform.DEMO_TOKEN, """
                {"kind": "snapshot", "server_ids": [12345], "cron": "* * * * *", "time_zone": "UTC",
                 "name_template": "every-{server_id}-{date}-{time}", "keep_last": 3}""");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String policyId = (String) created.get("id");
        PolicyRunJobs jobs = SETUP.platform().context.getBean(PolicyRunJobs.class);
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        assertThat(snapshotsOfWeb()).hasSize(2);

        // Three windows of a minute: one run each, up to the provider's five.
        for (int minute = 1; minute <= 3; minute++) {
            List<Run> done = jobs.tick(start.plus(Duration.ofMinutes(minute - 1)).plusSeconds(30),
                    start.plus(Duration.ofMinutes(minute)).plusSeconds(30));
            assertThat(done).singleElement().satisfies(run -> assertThat(run.result()).isEqualTo(RunResult.MADE));
        }
        List<Map<String, Object>> atLimit = snapshotsOfWeb();
        assertThat(atLimit).hasSize(5);
        Object oldestMade = atLimit.stream().filter(s -> ((String) s.get("name")).startsWith("every-"))
                .min(java.util.Comparator.comparing(s -> (String) s.get("name"))).orElseThrow().get("id");

        // An hour missed: one run, not sixty; at the limit, the oldest policy-made snapshot is rotated away first.
        List<Run> late = jobs.tick(start.plus(Duration.ofMinutes(3)).plusSeconds(30),
                start.plus(Duration.ofMinutes(63)).plusSeconds(30));

        assertThat(late).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.MADE);
            assertThat(run.scheduledFor()).isEqualTo(start.plus(Duration.ofMinutes(63)));
        });
        List<Map<String, Object>> after = snapshotsOfWeb();
        assertThat(after).hasSize(5).extracting(s -> s.get("id")).doesNotContain(oldestMade).contains(801, 798);
        assertThat(after).extracting(s -> (String) s.get("name"))
                .contains("every-12345-" + start.plus(Duration.ofMinutes(63)).toString().substring(0, 10).replace("-", "")
                        + "-" + start.plus(Duration.ofMinutes(63)).toString().substring(11, 16).replace(":", ""));
        List<AuditEvent> deletes = eventsOf(Operation.DELETE_SNAPSHOT, null);
        // (The tracker may add the delete's end meanwhile.)
        assertThat(deletes).filteredOn(e -> e.outcome() instanceof Outcome.Accepted).hasSize(1);
        assertThat(deletes).filteredOn(e -> e.outcome() instanceof Outcome.Submitted).hasSize(1);
        assertThat(deletes).allSatisfy(e -> assertThat(e.resource().orElseThrow().id()).isEqualTo(((Integer) oldestMade).longValue()));
        assertThat(eventsOf(Operation.CREATE_SNAPSHOT, policyId)).filteredOn(e -> e.outcome() instanceof Outcome.Submitted)
                .hasSize(4).anySatisfy(e -> assertThat(e.detail()).containsEntry(AuditEvent.ROTATED, "snapshot " + oldestMade));
        // Only the platform's own calls reached the simulator: four creates and one delete.
        assertThat(SETUP.simulator().requests()).filteredOn(r -> !r.method().equals("GET")).hasSize(5);
    }
}
