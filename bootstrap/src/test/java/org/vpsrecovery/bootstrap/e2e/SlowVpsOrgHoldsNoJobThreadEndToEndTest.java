package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.application.snapshot.CreateSnapshotUseCase;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.Seed;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The jobs' run budget on the service's own scheduler (db-scheduler, its 4 threads, the real PostgreSQL) while VPS.org
 * answers every read in 1 s, under the client's timeout (ADR 0024, amended in sessions 45 and 46). Before the jobs
 * start, each of the four jobs over VPS.org is given a long batch: 30 open creates to follow (tracking), 40 intents a
 * process left without an outcome (reconciliation), 31 servers to scan (drift) and a policy due on 30 servers (its tick).
 * Each batch takes half a minute or more, one read at a time. With the budget, each run gives its thread back after one
 * item, so the short jobs (the fold of the audit counts, continue-restores) still run once the four have all begun;
 * without it (a budget of an hour: checked in session 46) the four hold the four threads to their batches' ends, and
 * neither short job runs within the wait. The waits are bounds, not measurements.
 */
class SlowVpsOrgHoldsNoJobThreadEndToEndTest {

    private static final TeamId DEMO = new TeamId("demo");
    private static final List<Long> SERVERS = LongStream.rangeClosed(31_001, 31_030).boxed().toList();
    private static final long OTHER_TEAMS_SERVER = 23_456;
    private static final Duration VPSORG_ANSWERS_IN = Duration.ofSeconds(1);
    private static final int LOST_INTENTS = 40;
    /** The longest the short jobs may wait once the four long jobs have all begun: well under any batch's length. */
    private static final Duration SHORT_JOBS_RUN_WITHIN = Duration.ofSeconds(20);
    private static final List<String> LONG_JOBS = List.of("track-operations", "reconcile-intents", "drift-scan",
            "policy-runs");
    private static final List<String> SHORT_JOBS = List.of("fold-audit-counts", "continue-restores");

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            // Creations stay in progress for an hour: tracking follows each of them every run.
            SimulatorOptions.defaults().withSeed(seed(), false).withDelays(Duration.ofHours(1), Duration.ofSeconds(1)),
            Map.ofEntries(
                    Map.entry("vpsr.teams.demo.servers", SERVERS.stream().map(String::valueOf).collect(Collectors.joining(","))),
                    Map.entry("vpsr.teams.other-team.servers", String.valueOf(OTHER_TEAMS_SERVER)),
                    // The jobs start with the first answer: the batches are all in place by then.
                    Map.entry("vpsr.jobs.start-wait", "1h"),
                    Map.entry("vpsr.jobs.run-budget", "100ms"),
                    Map.entry("vpsr.jobs.polling-interval", "200ms"),
                    Map.entry("vpsr.tracking.every", "500ms"),
                    Map.entry("vpsr.tracking.first-look", "500ms"),
                    Map.entry("vpsr.tracking.longest-look", "1s"),
                    Map.entry("vpsr.reconcile.every", "500ms"),
                    Map.entry("vpsr.reconcile.settle-after", "0s"),
                    Map.entry("vpsr.drift.scan-every", "1s"),
                    Map.entry("vpsr.drift.pause-between-servers", "0ms"),
                    // Its first window looks back one interval: every pair's latest minute is due at once.
                    Map.entry("vpsr.policies.tick-every", "2m"),
                    Map.entry("vpsorg.read-timeout", "5s")));

    private static Seed seed() {
        List<Seed.ServerSeed> servers = Stream.concat(SERVERS.stream(), Stream.of(OTHER_TEAMS_SERVER))
                .map(id -> new Seed.ServerSeed(id, "slow-" + id, "running", 2048)).toList();
        return new Seed(Instant.now(), List.of(new Seed.AccountSeed(VpsOrgSimulator.DEMO_TOKEN, servers, List.of(),
                List.of())));
    }

    @Test
    void whileVpsOrgIsSlowTheLongJobsGiveTheirThreadsBackAndTheShortJobsStillRun() throws SQLException {
        RunningPlatform platform = SETUP.platform();
        assertThat(jobRows().keySet()).as("the jobs have not started").doesNotContainAnyElementsOf(LONG_JOBS);
        CreateSnapshotUseCase creates = platform.context.getBean(CreateSnapshotUseCase.class);
        for (long server : SERVERS) {
            creates.createSnapshot(new CreateSnapshotCommand(new CallContext(DEMO, new RequestId("slow-create-" + server)),
                    new ServerId(server), new SnapshotName("slow-" + server), Optional.empty()));
        }
        Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
        platform.context.getBean(RecoveryPolicies.class).add(RecoveryPolicy.created(PolicyId.random(), DEMO,
                new PolicySpec(PolicyServers.everyOwned(), PolicyKind.SNAPSHOT, new PolicySchedule("* * * * *",
                        ZoneId.of("UTC")), new NameTemplate("minutely-{server_id}-{time}"),
                        new RetentionRules(100, Duration.ZERO, 0, 0, 0, 0, false)), anHourAgo));
        for (int i = 0; i < LOST_INTENTS; i++) {
            // A delete's intent whose process died before its outcome (no attempt id: settled from VPS.org's list).
            long server = SERVERS.get(i % SERVERS.size());
            platform.audit().append(new AuditEvent(Instant.now().minusSeconds(60), DEMO, new RequestId("lost-delete-" + i),
                    Operation.DELETE_SNAPSHOT, Optional.of(new ServerId(server)),
                    Optional.of(ResourceRef.of(new SnapshotId(990_000 + i))), new Outcome.Accepted(), OptionalInt.empty(),
                    Actor.SYSTEM.into(new LinkedHashMap<>())));
        }
        SETUP.simulator().faults().add(Fault.latency(VPSORG_ANSWERS_IN).on("GET", "/api/v1/.*"));

        // The first answer (a refusal: VPS.org is not asked) starts the jobs.
        assertThat(platform.send("GET", "/api/v1/snapshots/", null, null).status()).isEqualTo(401);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, JobRow> rows = jobRows();
            return LONG_JOBS.stream().allMatch(job -> rows.get(job) instanceof JobRow row && row.begun());
        });
        Instant allBegun = Instant.now();

        await().atMost(SHORT_JOBS_RUN_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, JobRow> rows = jobRows();
            return SHORT_JOBS.stream().allMatch(job -> rows.get(job) instanceof JobRow row && row.succeededAfter(allBegun));
        });
        // VPS.org was still slow and the batches were not through: the short jobs ran beside them, not after them.
        assertThat(lostIntentsStillPending()).isPositive();
    }

    /** A job's row in db-scheduler's table, as far as this test reads it. */
    private record JobRow(boolean picked, long version, Optional<Instant> lastSuccess) {

        /** Picked now, or at least once since its row was made (each pick moves the version on). */
        boolean begun() {
            return picked || version > 1;
        }

        boolean succeededAfter(Instant at) {
            return lastSuccess.filter(at::isBefore).isPresent();
        }
    }

    private static Map<String, JobRow> jobRows() throws SQLException {
        try (Connection connection = SETUP.database().dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT task_name, picked, version, last_success FROM scheduled_tasks");
             ResultSet rs = select.executeQuery()) {
            Map<String, JobRow> rows = new LinkedHashMap<>();
            while (rs.next()) {
                Timestamp lastSuccess = rs.getTimestamp("last_success");
                rows.put(rs.getString("task_name"), new JobRow(rs.getBoolean("picked"), rs.getLong("version"),
                        Optional.ofNullable(lastSuccess).map(Timestamp::toInstant)));
            }
            return rows;
        }
    }

    private static long lostIntentsStillPending() {
        return LongStream.range(0, LOST_INTENTS).filter(i -> SETUP.platform().auditOf("lost-delete-" + i).size() == 1)
                .count();
    }
}
