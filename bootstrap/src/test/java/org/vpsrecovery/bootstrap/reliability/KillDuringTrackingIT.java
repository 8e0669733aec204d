package org.vpsrecovery.bootstrap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.process.ServiceProcess;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * {@code kill -9} of the only service process while it follows open operations: snapshots that VPS.org
 * keeps in progress (the simulator takes an hour over them), the kill timed to land as a tracking run
 * begins. VPS.org then finishes them (the simulator's clock is moved on) while no process runs, and
 * the process starts again on the same database: tracking resumes (a run the dead process held is
 * revived once its heartbeats are missed) and every operation ends COMPLETED, in the operations API
 * and in the audit history, with the snapshot VPS.org made.
 */
class KillDuringTrackingIT {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final List<Long> SERVERS = ReliabilitySetup.servers(5001, 2);
    private static final Duration MAKING_TAKES = Duration.ofHours(1);
    /** Tracking logs its runs; a dead instance's run is revived after 4 missed heartbeats of 1 s. */
    private static final String[] SETTINGS = {"vpsr.jobs.log-level=DEBUG", "vpsr.jobs.heartbeat-interval=1s",
            "vpsr.jobs.missed-heartbeats=4"};

    @Test
    void operationsOpenAtTheKillFinishAfterTheRestart() {
        AuditRows audit = new AuditRows(DATABASE.dataSource());
        OperationTable operations = new OperationTable(DATABASE.dataSource());
        Map<String, Object> figures = new LinkedHashMap<>();
        try (VpsOrgSimulator simulator = ReliabilitySetup.simulator(SERVERS,
                SimulatorOptions.defaults().withDelays(MAKING_TAKES, Duration.ofSeconds(10)));
             PlatformClient team = new PlatformClient(ReliabilitySetup.TEAM_TOKEN);
             PlatformClient auditor = new PlatformClient(ReliabilitySetup.AUDITOR_TOKEN)) {
            ServiceProcess.Builder service = ReliabilitySetup.service("tracking", DATABASE.database(), simulator,
                    ReliabilitySetup.teamsFile(SERVERS, 5), SETTINGS);
            Map<String, Long> made = new LinkedHashMap<>();
            try (ServiceProcess first = service.start()) {
                for (int i = 0; i < 3; i++) {
                    String requestId = "tracked-" + i;
                    Answer created = team.createSnapshot(first, SERVERS.get(i % SERVERS.size()), "tracked-" + i, requestId);
                    assertThat(created.status()).as(created.toString()).isEqualTo(201);
                    made.put(requestId, created.id());
                }
                // Tracking has looked and found them in progress; the kill lands as the next run begins.
                int runsBefore = JobRuns.of("track-operations", first).size();
                await("a tracking run to begin").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> JobRuns.of("track-operations", first).size() > runsBefore + 1);
                assertThat(first.killNow()).isEqualTo(137);
                List<JobRuns.Run> runs = JobRuns.of("track-operations", first);
                figures.put("tracking runs before the kill", runs.size());
                figures.put("killed in the middle of a run", runs.getLast().end() == null);
            }
            assertThat(operations.byRequest("tracked-").values()).as("open at the kill").hasSize(3)
                    .allSatisfy(row -> assertThat(row.state()).isEqualTo("in_progress"));
            assertThat(audit.pendingIntents()).hasSize(3);

            // VPS.org finishes while nobody is watching.
            simulator.clock().advance(MAKING_TAKES.plusMinutes(1));

            try (ServiceProcess second = service.start()) {
                for (Map.Entry<String, OperationTable.Row> operation : operations.byRequest("tracked-").entrySet()) {
                    await(operation.getKey() + " completed after the restart").atMost(Duration.ofMinutes(2))
                            .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                                Answer read = team.send(second, "GET", "/api/v1/operations/" + operation.getValue().id() + "/",
                                        null, "read-" + operation.getKey());
                                assertThat(read.json()).as(read.toString()).containsEntry("state", "completed");
                            });
                    Answer read = team.send(second, "GET", "/api/v1/operations/" + operation.getValue().id() + "/", null,
                            "read-" + operation.getKey());
                    @SuppressWarnings("unchecked")
                    Map<String, Object> resource = (Map<String, Object>) read.json().get("resource");
                    assertThat(resource).containsEntry("type", "snapshot");
                    assertThat(((Number) resource.get("id")).longValue()).isEqualTo(made.get(operation.getKey()));
                    assertThat(audit.forRequest(operation.getKey())).extracting(AuditRows.Row::kind)
                            .containsExactly("ACCEPTED", "SUBMITTED", "COMPLETED");
                    AuditRows.Row completed = audit.settledOutcome(operation.getKey()).orElseThrow();
                    assertThat(completed.reconciled()).as("established by tracking").isTrue();
                    assertThat(completed.resourceId()).isEqualTo(made.get(operation.getKey()));
                    assertThat(completed.attemptId()).isEqualTo(operation.getValue().id());
                }
                assertThat(audit.pendingIntents()).isEmpty();
                ReliabilitySetup.assertChainIntact(auditor, second);
                figures.put("tracking runs after the restart", JobRuns.of("track-operations", second).size());
            }
            ReliabilitySetup.report("kill-during-tracking", figures);
        }
    }
}
