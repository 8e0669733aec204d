package org.vpsrecovery.bootstrap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
 * way (ADR 0038, amended in session 47). A second stop signal while that drain waits changes nothing (session 48).
 */
class StopDuringASlowVpsOrgCallIT {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final List<Long> SERVERS = ReliabilitySetup.servers(7101, 1);
    private static final String SNAPSHOTS = "/api/v1/snapshots/";
    /**
     * How long VPS.org holds the create, and the settings the service runs with. {@link #DEFAULTS} is the case of ADR
     * 0038 (session 46): VPS.org answers after 36 s, past the old stop's 30 s from the signal (a drain of 20 s and
     * Micronaut's grace of 10 s), within one attempt ({@code vpsorg.read-timeout} raised to 45 s; with the 5 s connect
     * timeout, 50 s, inside the 60 s a request's calls get at the default idle timeout, so the start accepts it), the
     * drain's timeout derived from the default idle timeout; the one-signal runs use it. {@link #SHORTENED} scales the
     * same operator settings down (CI time, ADR 0002 amended in session 53) for the second-signal runs: an idle timeout of 24 s (so a calls' budget and a drain of 16 s:
     * the create's snapshot list, then a whole attempt left for its POST), Micronaut's grace 1 s, one attempt 1 + 8 s,
     * VPS.org answering after 6 s: still past the drain delay (2 s) and the grace, so a stop that did not wait for the
     * call (a second signal exiting at once, a first SIGINT undrained) fails the run. SIGINT alone stays at the
     * defaults: undrained, its context's close (the jobs' 10 s wait) outlived a 6 s call and the caller still got 201.
     */
    enum Timings {
        DEFAULTS(Duration.ofSeconds(36), "vpsorg.read-timeout=45s"),
        SHORTENED(Duration.ofSeconds(6), "micronaut.server.idle-timeout=24s",
                "micronaut.lifecycle.graceful-shutdown.grace-period=1s", "vpsorg.connect-timeout=1s",
                "vpsorg.read-timeout=8s");

        final Duration vpsOrgAnswersAfter;
        final String[] settings;

        Timings(Duration vpsOrgAnswersAfter, String... settings) {
            this.vpsOrgAnswersAfter = vpsOrgAnswersAfter;
            this.settings = settings;
        }
    }

    @ParameterizedTest(name = "SIG{0}, {1}")
    @CsvSource({"TERM, DEFAULTS", "INT, DEFAULTS"})
    void aCreateWaitingForASlowVpsOrgWhenItsInstanceIsStoppedGetsVpsOrgsAnswer(StopSignal signal, Timings timings) {
        String log = createHeldAtVpsOrgThenStopped("stop-during-slow-call-" + signal.name().toLowerCase(Locale.ROOT),
                timings, service -> service.stop(signal));

        assertThat(log).contains("SIG" + signal + ": draining");
    }

    /**
     * A second stop signal while the drain waits for that create, of either kind (a second Ctrl-C included), changes
     * nothing but a line: the drain goes on, the caller gets VPS.org's answer, the exit code is 0 (ADR 0038, amended in
     * session 47; SIGKILL is the one way to cut a drain short). Cutting it short at the second signal (the JVM's own
     * handling, or an exit at once) would leave the create without an answer, as before session 46.
     */
    @ParameterizedTest(name = "SIG{0} then SIG{1}")
    @CsvSource({"TERM, TERM", "INT, TERM", "INT, INT"})
    void aSecondStopSignalDuringTheDrainChangesNothing(StopSignal first, StopSignal second) {
        String log = createHeldAtVpsOrgThenStopped("second-signal-" + first.name().toLowerCase(Locale.ROOT) + "-"
                + second.name().toLowerCase(Locale.ROOT), Timings.SHORTENED, service -> {
                    service.signal(first);
                    service.awaitStdout("SIG" + first + ": draining", Duration.ofMinutes(1));
                    return service.stop(second);
                });

        assertThat(log).contains("SIG" + second + " during the drain: the drain already under way goes on");
        assertThat(log.lines().filter(line -> line.contains(": draining"))).as("drains begun").hasSize(1);
    }

    /**
     * A service run with {@code timings}, whose create VPS.org holds for their time, stopped by {@code stop} (answering
     * the exit code) once that create's call is held: the caller gets 201, the history says the create was taken, the
     * process drained and exited 0. Answers the service's log.
     */
    private static String createHeldAtVpsOrgThenStopped(String requestId, Timings timings,
                                                        ToIntFunction<ServiceProcess> stop) {
        // A database of its own for each run: the runs' histories stay apart.
        TestDatabase database = DATABASE.anotherMigrated();
        AuditRows audit = new AuditRows(database.dataSource());
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        try (VpsOrgSimulator simulator = ReliabilitySetup.simulator(SERVERS, SimulatorOptions.defaults());
             PlatformClient team = new PlatformClient(ReliabilitySetup.TEAM_TOKEN);
             ServiceProcess service = ReliabilitySetup.service(requestId, database, simulator,
                             ReliabilitySetup.teamsFile(SERVERS, 5), timings.settings)
                     .stopTimeout(Duration.ofMinutes(3)).start()) {
            simulator.faults().add(Fault.latency(timings.vpsOrgAnswersAfter).on("POST", SNAPSHOTS));
            CompletableFuture<Answer> created = CompletableFuture.supplyAsync(
                    () -> team.createSnapshot(service, SERVERS.getFirst(), "slow-at-the-stop", requestId),
                    callers);
            await("the create's call held at VPS.org").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50))
                    .until(() -> simulator.requests().stream()
                            .anyMatch(request -> request.method().equals("POST") && request.path().equals(SNAPSHOTS)));

            int exitCode = stop.applyAsInt(service);
            Answer answer = created.handle((answered, noAnswer) -> {
                assertThat(noAnswer).as("the create under way at the stop got no answer\n" + service.stdout())
                        .isNull();
                return answered;
            }).join();

            assertThat(answer.status()).as(answer + "\n" + service.stdout()).isEqualTo(201);
            assertThat(exitCode).as("exit code after the stop\n" + service.stdout()).isZero();
            assertThat(service.stdout()).contains("drained; stopping").doesNotContain("drain timeout");
            List<AuditRows.Row> rows = audit.forRequest(requestId);
            assertThat(rows).extracting(AuditRows.Row::kind).as(answer.toString())
                    .startsWith("ACCEPTED", "SUBMITTED");
            assertThat(rows.get(1).resourceId()).as("the snapshot VPS.org made").isEqualTo(answer.id());
            return service.stdout();
        } finally {
            callers.close();
        }
    }
}
