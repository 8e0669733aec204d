package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.PostgresAdapterFactory;
import org.vpsrecovery.application.policy.RunPoliciesService.Run;
import org.vpsrecovery.application.policy.RunPoliciesService.RunResult;
import org.vpsrecovery.bootstrap.PolicyRunJobs;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * A run at the limit whose rotation's delete VPS.org answers 429 (the simulator's {@code rate_limited}, real HTTP): judged
 * as a run whose create is answered 429 is, not a plain failure. The run carries VPS.org's wait, its retry row waits it
 * (before: retried after {@code retry-first}, inside the wait, each try held back unsent), and the create's audited
 * failure says it was rate limited and until when VPS.org asked to wait (ADR 0028, amended in session 56).
 */
class PolicyRotationRateLimitedEndToEndTest {

    private static final Duration VPSORG_WAIT = Duration.ofMinutes(5);

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withDelays(Duration.ZERO, Duration.ofSeconds(10)),
            Map.of("vpsr.policies.tick-every", "1h", "vpsr.policies.retry-first", "1m"));

    private static List<AuditEvent> eventsOf(Operation operation, String policyId) {
        return SETUP.platform().audit().query(org.vpsrecovery.domain.audit.AuditQuery.latest(200)).stream()
                .map(RecordedAuditEvent::event).filter(e -> e.operation() == operation)
                .filter(e -> policyId == null || policyId.equals(e.detail().get(AuditEvent.POLICY_ID))).toList();
    }

    private static Instant retryRowDue(DataSource dataSource) throws SQLException {
        try (Connection connection = PostgresAdapterFactory.pooled(dataSource).getConnection();
             PreparedStatement due = connection.prepareStatement(
                     "SELECT execution_time FROM scheduled_tasks WHERE task_name = 'policy-run-retry'")) {
            try (ResultSet rs = due.executeQuery()) {
                assertThat(rs.next()).as("a retry row").isTrue();
                Instant at = rs.getTimestamp(1).toInstant();
                assertThat(rs.next()).as("one retry row").isFalse();
                return at;
            }
        }
    }

    /** The next whole ten minutes after {@code now}. */
    private static Instant nextTen(Instant now) {
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        return minute.plus(Duration.ofMinutes(10 - minute.atZone(java.time.ZoneOffset.UTC).getMinute() % 10));
    }

    /** Where the window of the {@code run}th cron time from {@code start} begins: two minutes past the one before it. */
    private static Instant window(Instant start, int run) {
        return start.plus(Duration.ofMinutes(10L * (run - 1) - 8));
    }

    @Test
    void aRotationsDeleteAnswered429IsARateLimitedRunOwedAfterVpsOrgsWaitAndItsEventSaysUntilWhen() throws SQLException {
        SETUP.awaitFirstRunOf("policy-runs");
        Answer created = SETUP.platform().send("POST", "/api/v1/policies/", RunningPlatform.DEMO_TOKEN, """
                {"kind": "snapshot", "server_ids": [12345], "cron": "*/10 * * * *", "time_zone": "UTC",
                 "name_template": "limited-{server_id}-{date}-{time}", "keep_last": 3}""");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String policyId = (String) created.get("id");
        PolicyRunJobs jobs = SETUP.platform().context.getBean(PolicyRunJobs.class);
        DataSource dataSource = SETUP.platform().context.getBean(DataSource.class);
        // Every ten minutes (a run's jitter under one), from the next whole ten: the fourth run's next cron time is at
        // least half an hour after now, so VPS.org's five minutes are owed however late in a minute the test starts
        // (review of session 56: with a per-minute cron, owed only if the delete came before the next minute's jitter).
        Instant start = nextTen(Instant.now());
        // Three runs fill web (two seeded) to VPS.org's five.
        for (int run = 1; run <= 3; run++) {
            assertThat(jobs.tick(window(start, run), window(start, run + 1)))
                    .singleElement().extracting(Run::result).isEqualTo(RunResult.MADE);
        }

        SETUP.simulator().faults().add(Fault.rateLimited(VPSORG_WAIT).on("DELETE", "/api/v1/snapshots/\\d+/").times(1));
        Instant before = Instant.now();
        List<Run> limited = jobs.tick(window(start, 4), window(start, 5));

        // Owed after VPS.org's wait (well before the next cron time's run), not a failure retried inside it.
        assertThat(limited).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.FAILED);
            assertThat(run.rateLimitedFor()).contains(VPSORG_WAIT);
            assertThat(run.removed()).isEmpty();
        });
        assertThat(retryRowDue(dataSource)).as("the retry waits VPS.org's Retry-After, not retry-first")
                .isAfterOrEqualTo(before.plus(VPSORG_WAIT));
        // The delete's own event: rate limited; the create's: rate limited, and until when VPS.org asked to wait.
        assertThat(eventsOf(Operation.DELETE_SNAPSHOT, null)).filteredOn(e -> e.outcome() instanceof Outcome.Failed)
                .singleElement().satisfies(e -> assertThat(((Outcome.Failed) e.outcome()).reasonCode())
                        .contains(ReasonCode.PROVIDER_RATE_LIMITED));
        assertThat(eventsOf(Operation.CREATE_SNAPSHOT, policyId)).filteredOn(e -> e.outcome() instanceof Outcome.Failed)
                .singleElement().satisfies(e -> {
                    Outcome.Failed failed = (Outcome.Failed) e.outcome();
                    assertThat(failed.reasonCode()).contains(ReasonCode.PROVIDER_RATE_LIMITED);
                    assertThat(failed.cause()).contains("VPS.org rate limited it", "nothing was created",
                            "VPS.org asked to wait: the run is tried again at").doesNotContain("missed");
                    assertThat(e.detail()).doesNotContainKey(AuditEvent.ROTATED);
                });
        // Nothing was created after the 429: three creates and the one delete VPS.org refused.
        assertThat(SETUP.simulator().requests()).filteredOn(r -> !r.method().equals("GET")).hasSize(4);
    }
}
