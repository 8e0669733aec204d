package org.vpsrecovery.bootstrap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.bootstrap.process.ServiceProcess;
import org.vpsrecovery.bootstrap.process.ServiceProcess.StopSignal;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The jar stopped with SIGTERM, or SIGINT, while a create waits for a slow VPS.org: the stop's budget used to be shorter
 * than one VPS.org exchange (a drain of 20 s and Micronaut's grace of 10 s, against a request's VPS.org calls that may
 * take two thirds of {@code micronaut.server.idle-timeout}, 60 s), so the stop closed the VPS.org client under the call
 * and the caller was told what had not happened. The drain now waits as long as a request's calls may take (ADR 0038,
 * amended in session 46): the caller gets VPS.org's answer, and the history says the create was taken. SIGINT was not
 * drained at all (the JVM's own handling: the server's 10 s grace, then the client closed); it is now drained the same
 * way (ADR 0038, amended in session 47).
 */
class StopDuringASlowVpsOrgCallIT {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final List<Long> SERVERS = ReliabilitySetup.servers(7101, 1);
    private static final String SNAPSHOTS = "/api/v1/snapshots/";
    /**
     * How long VPS.org takes to answer the create: past the old stop's 30 s from the SIGTERM, within one attempt
     * ({@code vpsorg.read-timeout} raised to 45 s below; with the 5 s connect timeout, 50 s, inside the 60 s a
     * request's calls get at the default idle timeout, so the start accepts it).
     */
    private static final Duration VPS_ORG_ANSWERS_AFTER = Duration.ofSeconds(36);

    @ParameterizedTest(name = "SIG{0}")
    @EnumSource(StopSignal.class)
    void aCreateWaitingForASlowVpsOrgWhenItsInstanceIsStoppedGetsVpsOrgsAnswer(StopSignal signal) {
        // A database of its own for each signal: the two runs' histories stay apart.
        TestDatabase database = DATABASE.anotherMigrated();
        AuditRows audit = new AuditRows(database.dataSource());
        String requestId = "stop-during-slow-call-" + signal.name().toLowerCase(Locale.ROOT);
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        try (VpsOrgSimulator simulator = ReliabilitySetup.simulator(SERVERS, SimulatorOptions.defaults());
             PlatformClient team = new PlatformClient(ReliabilitySetup.TEAM_TOKEN);
             ServiceProcess service = ReliabilitySetup.service(requestId, database, simulator,
                             ReliabilitySetup.teamsFile(SERVERS, 5), "vpsorg.read-timeout=45s")
                     .stopTimeout(Duration.ofMinutes(3)).start()) {
            simulator.faults().add(Fault.latency(VPS_ORG_ANSWERS_AFTER).on("POST", SNAPSHOTS));
            CompletableFuture<Answer> created = CompletableFuture.supplyAsync(
                    () -> team.createSnapshot(service, SERVERS.getFirst(), "slow-at-the-stop", requestId),
                    callers);
            await("the create's call held at VPS.org").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50))
                    .until(() -> simulator.requests().stream()
                            .anyMatch(request -> request.method().equals("POST") && request.path().equals(SNAPSHOTS)));

            int exitCode = service.stop(signal);
            Answer answer = created.handle((answered, noAnswer) -> {
                assertThat(noAnswer).as("the create under way at the SIG" + signal + " got no answer\n" + service.stdout())
                        .isNull();
                return answered;
            }).join();

            assertThat(answer.status()).as(answer + "\n" + service.stdout()).isEqualTo(201);
            assertThat(exitCode).as("exit code after SIG" + signal + "\n" + service.stdout()).isZero();
            assertThat(service.stdout()).contains("SIG" + signal + ": draining", "drained; stopping")
                    .doesNotContain("drain timeout");
            List<AuditRows.Row> rows = audit.forRequest(requestId);
            assertThat(rows).extracting(AuditRows.Row::kind).as(answer.toString())
                    .startsWith("ACCEPTED", "SUBMITTED");
            assertThat(rows.get(1).resourceId()).as("the snapshot VPS.org made").isEqualTo(answer.id());
        } finally {
            callers.close();
        }
    }
}
