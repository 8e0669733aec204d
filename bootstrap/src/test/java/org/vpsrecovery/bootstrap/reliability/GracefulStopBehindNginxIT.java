package org.vpsrecovery.bootstrap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.process.ServiceProcess;
import org.vpsrecovery.simulator.SimulatorClock;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * Two service processes on one PostgreSQL behind nginx configured by the deployment guide's example
 * ({@code docs/deploy/nginx.conf}); callers send reads and creates through nginx while one instance
 * is stopped with SIGTERM (ADR 0038). What must hold:
 * <ul>
 *   <li>every request gets an answer; no 5xx but 503 {@code INSTANCE_DRAINING} with Retry-After,
 *       and that only for a POST (nginx passes a read on to the other instance, never a create);</li>
 *   <li>the stopped instance's readiness was seen DOWN while it still ran, and it exited 0;</li>
 *   <li>a long poll under way on it was ended by its drain, answered as it stands, and its line says so;</li>
 *   <li>its jobs went on in the other: an operation still open at VPS.org when it stopped (the
 *       simulator's clock is moved on only then) is followed to its end, and the audit chain is intact.</li>
 * </ul>
 * nginx must be installed ({@code .ci/run} installs it); without it the test is skipped, unless
 * {@code CI_REQUIRE_NGINX} is set, as {@code .ci/run} sets it, where it fails.
 */
class GracefulStopBehindNginxIT {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final List<Long> SERVERS = ReliabilitySetup.servers(6001, 4);
    private static final String[] SETTINGS = {"vpsr.jobs.log-level=DEBUG", "vpsr.shutdown.drain-delay=1s"};
    /** Creations at VPS.org take this long by the simulator's clock, which the test moves on after the stop. */
    private static final Duration CREATION = Duration.ofHours(1);
    private static final int CALLERS = 4;
    private static final java.util.concurrent.Executor LONG_POLLS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    @Test
    void aStoppedInstanceDrainsBehindNginxAndTheOtherFinishesItsWork() throws Exception {
        Path nginxBinary = nginx();
        int answersAround = ReliabilitySetup.sized("vpsr.reliability.drain-answers", 40);
        OperationTable operations = new OperationTable(DATABASE.dataSource());
        SimulatorClock vpsOrgTime = SimulatorClock.system();
        try (VpsOrgSimulator simulator = ReliabilitySetup.simulator(SERVERS,
                SimulatorOptions.defaults().withClock(vpsOrgTime).withDelays(CREATION, Duration.ofSeconds(10)));
             PlatformClient team = new PlatformClient(ReliabilitySetup.TEAM_TOKEN);
             PlatformClient auditor = new PlatformClient(ReliabilitySetup.AUDITOR_TOKEN)) {
            // The stop timeout is past the worst stop (docs/deploy.md): a drain that let the long poll below run to its
            // deadline fails on what it says, not on the stop's time.
            ServiceProcess.Builder service = ReliabilitySetup.service("graceful", DATABASE.database(), simulator,
                    ReliabilitySetup.teamsFile(SERVERS, 5), SETTINGS).stopTimeout(Duration.ofMinutes(3));
            try (ServiceProcess a = service.start(); ServiceProcess b = service.start();
                 NginxProcess nginx = NginxProcess.start(nginxBinary, a, b)) {
                // Each turns ready once its jobs joined, just after its first answer (ADR 0098): probed as a balancer does.
                await("a ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> readiness(a) == 200);
                await("b ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> readiness(b) == 200);

                // The metrics name the teams: the public listener refuses them; each instance serves its own.
                assertThat(team.send(nginx.baseUrl(), "GET", "/prometheus", null, "graceful-metrics").status()).isEqualTo(403);
                assertThat(team.send(a.baseUrl(), "GET", "/prometheus", null, "graceful-metrics-a").status()).isEqualTo(200);
                // The service answers /prometheus/ with the metrics too: nginx refuses every spelling of it by one rule
                // (session 50: an exact match let /prometheus/ and /prometheus/?x=1 through to anyone).
                assertThat(team.send(a.baseUrl(), "GET", "/prometheus/", null, "graceful-metrics-a-slash").status())
                        .as("the service itself answers /prometheus/").isEqualTo(200);
                for (String spelling : List.of("/prometheus/", "/prometheus/?x=1", "/prometheus?x=1", "/%70rometheus/")) {
                    Answer refused = team.send(nginx.baseUrl(), "GET", spelling, null, "graceful-metrics-spelling");
                    assertThat(refused.status()).as("GET " + spelling + " through nginx: " + refused).isEqualTo(403);
                }

                Answer opened = team.send(nginx.baseUrl(), "POST", "/api/v1/snapshots/",
                        "{\"server_id\": " + SERVERS.getFirst() + ", \"name\": \"open-at-stop\"}", "graceful-open");
                assertThat(opened.status()).as(opened.toString()).isEqualTo(201);
                assertThat(operations.byRequest("graceful-open").get("graceful-open").state()).isEqualTo("in_progress");

                List<Answer> answers = new CopyOnWriteArrayList<>();
                ConcurrentLinkedQueue<String> unanswered = new ConcurrentLinkedQueue<>();
                AtomicBoolean loading = new AtomicBoolean(true);
                AtomicInteger sequence = new AtomicInteger();
                List<Thread> callers = new ArrayList<>();
                for (int c = 0; c < CALLERS; c++) {
                    callers.add(Thread.ofVirtual().start(() -> {
                        while (loading.get()) {
                            int n = sequence.incrementAndGet();
                            long server = SERVERS.get(1 + n % (SERVERS.size() - 1));
                            String requestId = "graceful-load-" + n;
                            try {
                                answers.add(n % 5 == 0
                                        ? team.send(nginx.baseUrl(), "POST", "/api/v1/backups/", "{\"server_id\": " + server + "}", requestId)
                                        : team.send(nginx.baseUrl(), "GET", "/api/v1/snapshots/?server_id=" + server, null, requestId));
                            } catch (UncheckedIOException noAnswer) {
                                unanswered.add(noAnswer.getMessage());
                            }
                        }
                    }));
                }

                // a's readiness as a prober sees it, straight from a, until a is gone.
                List<Integer> readinessOfA = new CopyOnWriteArrayList<>();
                Thread prober = Thread.ofVirtual().start(() -> {
                    while (a.isAlive()) {
                        probe(a).ifPresent(readinessOfA::add);
                        sleep(Duration.ofMillis(50));
                    }
                });

                await("answers before the stop").atMost(Duration.ofMinutes(2)).until(() -> answers.size() >= answersAround);
                // A long poll on a, under way when a is stopped: the drain ends it at once, answered as it stands (ADR
                // 0038, amended in session 39). Its answer would be the same at its deadline, which the drain outlasts
                // (two thirds of the idle timeout both, since session 46), so the wait's own line says why it ended.
                String openId = operations.byRequest("graceful-open").get("graceful-open").id();
                CompletableFuture<Answer> longPoll = CompletableFuture.supplyAsync(() -> team.send(a.baseUrl(), "GET",
                        "/api/v1/operations/" + openId + "/?wait=60", null, "graceful-long-poll"), LONG_POLLS);
                // Stopped only once the poll waits on a (its slot taken: the callers' reads never wait), not after a
                // pause a loaded machine may outlast before the poll reaches a.
                await("the long poll waits on a").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50))
                        .until(() -> waitsInUse(team, a) >= 1);
                int exitCode = a.stop();
                Instant stoppedAt = Instant.now();
                int answeredAtStop = answers.size();
                await("answers after the stop").atMost(Duration.ofMinutes(2))
                        .until(() -> answers.size() >= answeredAtStop + answersAround);
                loading.set(false);
                for (Thread caller : callers) {
                    caller.join();
                }
                prober.join();

                assertThat(exitCode).as("exit code after SIGTERM\n" + a.stdout()).isZero();
                assertThat(a.stdout()).contains("SIGTERM: draining", "drained; stopping", "Shutting down Scheduler");
                assertThat(readinessOfA).as("a's readiness, probed until it ended").contains(200, 503);
                assertThat(readinessOfA.subList(readinessOfA.indexOf(503), readinessOfA.size()))
                        .as("once DOWN, a stays DOWN until it ends").containsOnly(503);

                assertThat(unanswered).as("requests nginx gave no answer to").isEmpty();
                // Answered by a before it exited, with the operation as it stands (as at a wait's deadline).
                Answer waited = longPoll.handle((answer, noAnswer) -> {
                    assertThat(noAnswer).as("the long poll under way at the SIGTERM got no answer").isNull();
                    return answer;
                }).join();
                assertThat(waited.status()).as(waited.toString()).isEqualTo(200);
                assertThat(waited.json()).as(waited.toString()).containsEntry("state", "in_progress");
                // An application line: on standard output through logback since session 47 (ADR 0073).
                assertThat(a.stdout()).as("a's long poll, ended by its drain before its deadline")
                        .contains("a wait for operation " + openId + " ended before its deadline: this instance is stopping");
                List<Answer> serverErrors = answers.stream().filter(answer -> answer.status() >= 500).toList();
                assertThat(serverErrors).as("5xx answers: only a draining instance's 503, with Retry-After, to a create")
                        .allSatisfy(answer -> {
                            assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
                            assertThat(answer.reasonCode()).as(answer.toString()).contains("INSTANCE_DRAINING");
                            assertThat(answer.retryAfter()).as(answer.toString()).contains("1");
                            assertThat(answer.target()).as(answer.toString()).startsWith("POST ");
                        });

                // The operation a may have been following is still open; VPS.org finishes it; b follows it to its end.
                assertThat(operations.byRequest("graceful-open").get("graceful-open").state()).isEqualTo("in_progress");
                vpsOrgTime.advance(CREATION);
                await("the operation open at the stop, followed by b").atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> operations.byRequest("graceful-open").get("graceful-open").state().equals("completed"));
                // VPS.org may finish before the stop has returned, and b's run that ends it begin before then too:
                // b's tracking is awaited for its next run (every 5 s), not assumed to be the one that ended it.
                await("b's tracking runs after a stopped").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> JobRuns.of("track-operations", b).stream().anyMatch(run -> run.begin().isAfter(stoppedAt)));
                ReliabilitySetup.assertChainIntact(auditor, b);

                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("answers", answers.size());
                figures.put("answers by kind", answers.stream()
                        .collect(Collectors.groupingBy(answer -> answer.target().substring(0, answer.target().indexOf(' '))
                                + " " + answer.kind(), TreeMap::new, Collectors.counting())));
                figures.put("a's readiness probes (200 then 503)", readinessOfA.stream()
                        .collect(Collectors.groupingBy(status -> status, TreeMap::new, Collectors.counting())));
                figures.put("tracking runs of a, of b", JobRuns.of("track-operations", a).size() + ", "
                        + JobRuns.of("track-operations", b).size());
                figures.put("requests nginx passed on to the next instance", nginx.accessLog().stream()
                        .filter(line -> line.contains(", ")).count());
                ReliabilitySetup.report("graceful-stop-behind-nginx", figures);
            }
        }
    }

    private static Path nginx() {
        Optional<Path> binary = NginxProcess.binary();
        if (binary.isEmpty() && System.getenv("CI_REQUIRE_NGINX") != null) {
            throw new IllegalStateException("CI_REQUIRE_NGINX is set but no nginx is installed (.ci/run installs it)");
        }
        assumeThat(binary).as("nginx is not installed (apt-get install nginx); this test needs it").isPresent();
        return binary.orElseThrow();
    }

    private static final HttpClient PROBES = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static int readiness(ServiceProcess service) {
        return probe(service).orElse(-1);
    }

    /** {@code vpsr_operations_waits_in_use} on {@code service}'s /prometheus: the long polls waiting on it. */
    private static double waitsInUse(PlatformClient client, ServiceProcess service) {
        Answer metrics = client.send(service.baseUrl(), "GET", "/prometheus", null, "graceful-waits-in-use");
        assertThat(metrics.status()).as(metrics.toString()).isEqualTo(200);
        java.util.regex.Matcher gauge = java.util.regex.Pattern.compile("(?m)^vpsr_operations_waits_in_use(?:\\{[^}]*})? (\\S+)$")
                .matcher(metrics.body());
        // A missing series (the gauge renamed or not registered) fails the wait at once as such, not read as 0 waits.
        assertThat(gauge.find()).as("vpsr_operations_waits_in_use on /prometheus of %s", service.baseUrl()).isTrue();
        return Double.parseDouble(gauge.group(1));
    }

    /** GET /health/readiness without a token, as a load balancer probes it; empty when nothing answers. */
    private static Optional<Integer> probe(ServiceProcess service) {
        try {
            HttpResponse<String> response = PROBES.send(HttpRequest.newBuilder(service.baseUrl().resolve("/health/readiness"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return Optional.of(response.statusCode());
        } catch (java.io.IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
