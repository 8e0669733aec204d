package org.vpsrecovery.bootstrap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.process.ServiceProcess;
import org.vpsrecovery.simulator.RecordedRequest;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * Two service processes on one PostgreSQL and one simulator, open operations on several servers
 * made through both: the tracker, the reconciler and the purge each run on one instance at a time
 * (db-scheduler, ADR 0024), and each tracking run lists each server's snapshots at VPS.org exactly
 * once. Read from both processes' logs (a line as each job run begins and ends) and the simulator's
 * request log: no two runs of one job overlap, every list call of a server falls in a tracking run,
 * and each tracking run made exactly one per server, so list calls equal runs, not twice as many. The fold of
 * the audit count deltas (ADR 0119) is one of the jobs: it runs on one instance at a time and leaves none behind.
 *
 * <p>Sized by {@code -Dvpsr.reliability.tracking-runs} (CI: 8 tracking runs observed).
 */
class TwoInstancesRunEachJobOnceIT {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final List<Long> SERVERS = ReliabilitySetup.servers(4001, 3);
    /** Every open operation is due at every run (looks 100 ms apart, runs a second apart); every job often. */
    private static final String[] SETTINGS = {"vpsr.jobs.log-level=DEBUG", "vpsr.tracking.every=1s",
            "vpsr.tracking.first-look=100ms", "vpsr.tracking.longest-look=100ms", "vpsr.jobs.polling-interval=200ms",
            "vpsr.reconcile.every=1s", "vpsr.idempotency.purge-every=1s"};
    private static final List<String> JOBS = List.of("track-operations", "reconcile-intents", "purge-idempotency-records",
            "fold-audit-counts");

    @Test
    void eachJobRunsOnOneInstanceAtATimeAndEachTrackingRunListsEachServerOnce() throws SQLException {
        int observedRuns = ReliabilitySetup.sized("vpsr.reliability.tracking-runs", 8);
        OperationTable operations = new OperationTable(DATABASE.dataSource());
        // Snapshots stay in progress for an hour: the operations stay open for the whole test.
        try (VpsOrgSimulator simulator = ReliabilitySetup.simulator(SERVERS,
                SimulatorOptions.defaults().withDelays(Duration.ofHours(1), Duration.ofSeconds(10)));
             PlatformClient team = new PlatformClient(ReliabilitySetup.TEAM_TOKEN)) {
            ServiceProcess.Builder service = ReliabilitySetup.service("run-once", DATABASE.database(), simulator,
                    ReliabilitySetup.teamsFile(SERVERS, 5), SETTINGS);
            try (ServiceProcess a = service.start(); ServiceProcess b = service.start()) {
                for (int i = 0; i < 2 * SERVERS.size(); i++) {
                    ServiceProcess through = i % 2 == 0 ? a : b;
                    Answer created = team.createSnapshot(through, SERVERS.get(i % SERVERS.size()), "open-" + i, "run-once-" + i);
                    assertThat(created.status()).as(created.toString()).isEqualTo(201);
                }
                assertThat(operations.byRequest("run-once-").values()).hasSize(2 * SERVERS.size())
                        .allSatisfy(row -> assertThat(row.state()).isEqualTo("in_progress"));

                Instant from = Instant.now();
                await("tracking runs after the creates").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                        .until(() -> JobRuns.of("track-operations", a, b).stream()
                                .filter(run -> run.within(from, Instant.now())).count() >= observedRuns);
                Instant to = Instant.now();
                List<RecordedRequest> requests = simulator.requests();

                Map<String, Object> figures = new LinkedHashMap<>();
                for (String job : JOBS) {
                    List<JobRuns.Run> runs = JobRuns.of(job, a, b);
                    assertThat(runs).as("%s ran", job).isNotEmpty();
                    for (int i = 1; i < runs.size(); i++) {
                        assertThat(runs.get(i).begin()).as("%s: a run began before the one before it ended: %s then %s",
                                job, runs.get(i - 1), runs.get(i)).isAfterOrEqualTo(runs.get(i - 1).end());
                    }
                    figures.put(job + " runs per process", runs.stream()
                            .collect(Collectors.groupingBy(JobRuns.Run::process, TreeMap::new, Collectors.counting())));
                }

                List<JobRuns.Run> tracking = JobRuns.of("track-operations", a, b).stream()
                        .filter(run -> run.within(from, to)).toList();
                Instant first = tracking.getFirst().begin();
                Instant last = tracking.getLast().end().plusMillis(1);
                Map<Long, Long> listCalls = new TreeMap<>();
                for (long server : SERVERS) {
                    List<RecordedRequest> lists = requests.stream()
                            .filter(r -> r.method().equals("GET") && r.path().startsWith("/api/v1/snapshots"))
                            .filter(r -> String.valueOf(r.query()).contains("server_id=" + server))
                            .filter(r -> !r.receivedAt().isBefore(first) && r.receivedAt().isBefore(last))
                            .toList();
                    for (JobRuns.Run run : tracking) {
                        assertThat(lists).as("server %d's list calls in %s", server, run)
                                .filteredOn(r -> run.covers(r.receivedAt())).hasSize(1);
                    }
                    assertThat(lists).as("server %d: every list call falls in a tracking run", server)
                            .allMatch(r -> tracking.stream().anyMatch(run -> run.covers(r.receivedAt())));
                    assertThat(lists).as("server %d: one list call per tracking run, not one per instance", server)
                            .hasSize(tracking.size());
                    listCalls.put(server, (long) lists.size());
                }
                assertThat(operations.byRequest("run-once-").values()).as("still open: VPS.org has not finished")
                        .allSatisfy(row -> assertThat(row.state()).isEqualTo("in_progress"));

                // The fold (ADR 0119) moved the appends' count deltas: none left once the appends stop, and the day
                // counts hold what a recount of the events says.
                await("the audit count deltas folded").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                        .until(() -> count("SELECT count(*) FROM audit_count_delta") == 0
                                && count("SELECT coalesce(sum(events), 0) FROM audit_daily_group_count")
                                == count("SELECT count(*) FROM audit_event"));
                figures.put("audit events counted by the fold", count("SELECT count(*) FROM audit_event"));
                figures.put("tracking runs observed", tracking.size());
                figures.put("snapshot list calls per server in them", listCalls);
                figures.put("settings", String.join(" ", SETTINGS));
                ReliabilitySetup.report("two-instances-run-each-job-once", figures);
            }
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(sql);
             ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
