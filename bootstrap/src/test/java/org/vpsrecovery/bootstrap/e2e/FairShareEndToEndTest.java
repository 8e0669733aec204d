package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * Each team's fair share of VPS.org (issue 15 item 3, ADR 0037), over HTTP, on two instances of the
 * service sharing one database: the demo team may make 3 requests a minute, the other team 2 at once.
 */
class FairShareEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    /** A team whose people sign in with JWTs and whose CI uses a service token: one share for both. */
    private static final String PEOPLE_TOKEN = "people-team-token-e2e";

    /** A team of two calls in flight, whose slots slow lists take (ADR 0037, amended in session 39). */
    private static final String SLOTS_TOKEN = "slots-team-token-e2e";

    private static final Map<String, Object> SHARES = Map.ofEntries(
            Map.entry("vpsr.teams.slots.token-sha256", HashedTeamTokens.sha256Hex(SLOTS_TOKEN)),
            Map.entry("vpsr.teams.slots.servers", "45678"),
            Map.entry("vpsr.teams.slots.safety-snapshot", "false"),
            Map.entry("vpsr.teams.slots.calls-in-flight", "2"),
            Map.entry("vpsr.teams.demo.requests-per-minute", "3"),
            Map.entry("vpsr.teams.other-team.requests-per-minute", "1000"),
            Map.entry("vpsr.teams.other-team.calls-in-flight", "2"),
            Map.entry("vpsr.teams.people.token-sha256", HashedTeamTokens.sha256Hex(PEOPLE_TOKEN)),
            Map.entry("vpsr.teams.people.servers", "34567"),
            Map.entry("vpsr.teams.people.safety-snapshot", "false"),
            Map.entry("vpsr.teams.people.requests-per-minute", "3"));

    static VpsOrgSimulator simulator;
    static TestIdentityProvider idp;
    static RunningPlatform first;
    static RunningPlatform second;

    @BeforeAll
    static void start() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        idp = TestIdentityProvider.start();
        Map<String, Object> properties = new HashMap<>(SHARES);
        properties.putAll(idp.properties());
        first = RunningPlatform.start(DATABASE.database(), simulator, properties);
        second = RunningPlatform.start(DATABASE.database(), simulator, properties);
    }

    @AfterAll
    static void stop() {
        // Last started first stopped, each even when a start failed (null) or one before it failed to stop: a platform
        // left running would go on into later classes (as PlatformOnSimulator.afterAll does).
        Throwable failed = null;
        failed = stop(second, failed);
        failed = stop(first, failed);
        failed = stop(idp, failed);
        failed = stop(simulator, failed);
        second = null;
        first = null;
        idp = null;
        simulator = null;
        if (failed instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failed instanceof Error error) {
            throw error;
        }
    }

    private static Throwable stop(AutoCloseable started, Throwable failedBefore) {
        if (started == null) {
            return failedBefore;
        }
        try {
            started.close();
            return failedBefore;
        } catch (Exception | Error stopFailed) {
            Throwable failed = stopFailed instanceof RuntimeException || stopFailed instanceof Error ? stopFailed
                    : new IllegalStateException(stopFailed);
            if (failedBefore == null) {
                return failed;
            }
            failedBefore.addSuppressed(failed);
            return failedBefore;
        }
    }

    /**
     * A person signed in with a JWT is counted against the team's rate as its service token is: a
     * member naming one team, and a member of two choosing this one with X-Vpsr-Team, take from the
     * same share as the team's service token, on either instance.
     */
    @Test
    void aTeamsPeopleWithJwtsAndItsServiceTokenShareOneRate() {
        String oneTeam = idp.member("grace", "people");
        String twoTeams = TestIdentityProvider.rs256(idp.rsa, idp.claims("heidi", "people",
                c -> c.claim("vpsr_teams", List.of("demo", "people"))));
        Map<String, String> choosingPeople = Map.of("X-Vpsr-Team", "people");

        assertThat(first.send("GET", "/api/v1/operations/", oneTeam, null).status()).isEqualTo(200);
        assertThat(second.send("GET", "/api/v1/operations/", twoTeams, null, choosingPeople).status()).isEqualTo(200);
        assertThat(first.send("GET", "/api/v1/operations/", PEOPLE_TOKEN, null).status()).isEqualTo(200);

        for (Answer refused : List.of(second.send("GET", "/api/v1/operations/", PEOPLE_TOKEN, null),
                first.send("GET", "/api/v1/operations/", oneTeam, null),
                second.send("GET", "/api/v1/operations/", twoTeams, null, choosingPeople))) {
            assertThat(refused.status()).as(refused.raw().body()).isEqualTo(429);
            assertThat(refused.get("reason_code")).isEqualTo("TEAM_RATE_LIMITED");
        }
        assertThat(first.context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("vpsr.fair_share.refused").tag("team", "people").tag("reason", "team_rate_limited").counter().count())
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void aTeamOverItsRateOnEitherInstanceGets429WithRetryAfterAndAnotherTeamDoesNot() {
        for (int i = 0; i < 3; i++) {
            RunningPlatform instance = i % 2 == 0 ? first : second;
            assertThat(instance.send("GET", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN, null).status()).isEqualTo(200);
        }
        int providerRequests = simulator.requests().size();

        Answer refused = second.send("GET", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN, null);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.get("reason_code")).isEqualTo("TEAM_RATE_LIMITED");
        // 3 a minute: the next request is 20 s away at most.
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 20);
        assertThat(first.send("GET", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN, null).status()).isEqualTo(429);
        assertThat(simulator.requests()).as("a refused request never reaches VPS.org").hasSize(providerRequests);
        assertThat(first.send("GET", "/api/v1/snapshots/", RunningPlatform.OTHER_TOKEN, null).status()).isEqualTo(200);
        assertThat(second.send("GET", "/api/v1/snapshots/", RunningPlatform.OTHER_TOKEN, null).status()).isEqualTo(200);
        // Auditors are not teams: their reports are not counted.
        assertThat(first.send("GET", "/api/v1/audit/summary/", RunningPlatform.AUDITOR_TOKEN, null).status()).isEqualTo(200);
        assertThat(first.context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("vpsr.fair_share.refused").tag("team", "demo").tag("reason", "team_rate_limited").counter().count())
                .isGreaterThanOrEqualTo(1.0);
    }

    /**
     * A server's state and the release of its restore hold read the platform's own operations, never VPS.org, so
     * they hold no call slot: with both of the team's slots taken by lists VPS.org does not answer, the team still
     * reads its server and asks to end its hold (no hold: 409), where both were refused 429 before.
     */
    @Test
    void aTeamWhoseSlotsSlowListsHoldStillReadsItsServerAndEndsItsRestoreHold() throws Exception {
        // Each attempt hangs 3 s, then the simulator closes the connection unanswered (well within the suites' 10 s
        // read timeout, so no timeout is waited out) and the read is retried: the lists hold their slots for seconds.
        simulator.faults().add(Fault.hang().lasting(Duration.ofSeconds(3)).on("GET", "/api/v1/(snapshots|backups)/"));
        simulator.clearRequests();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Answer> snapshots = pool.submit(() -> first.send("GET", "/api/v1/snapshots/", SLOTS_TOKEN, null));
            Future<Answer> backups = pool.submit(() -> first.send("GET", "/api/v1/backups/", SLOTS_TOKEN, null));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> simulator.requests().stream()
                    .map(r -> r.method() + " " + r.path()).toList()
                    .containsAll(List.of("GET /api/v1/snapshots/", "GET /api/v1/backups/")));
            Answer third = first.send("GET", "/api/v1/snapshots/", SLOTS_TOKEN, null);
            assertThat(third.status()).as("both slots are taken: %s", third.raw().body()).isEqualTo(429);
            assertThat(third.get("reason_code")).isEqualTo("TEAM_CALLS_IN_FLIGHT_LIMITED");

            Answer server = first.send("GET", "/api/v1/servers/45678/", SLOTS_TOKEN, null);
            assertThat(server.status()).as(server.raw().body()).isEqualTo(200);
            Answer release = first.send("DELETE", "/api/v1/servers/45678/restore-hold/", SLOTS_TOKEN, null);
            assertThat(release.status()).as(release.raw().body()).isEqualTo(409);
            assertThat(release.get("reason_code")).isEqualTo("NO_RESTORE_HOLD");

            simulator.faults().clear();
            snapshots.get(120, TimeUnit.SECONDS);
            backups.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            simulator.faults().clear();
        }
    }

    /** VPS.org answers slowly, so requests overlap; the simulator counts how many it serves at once. */
    @Test
    void manyParallelRequestsOfOneTeamNeverHaveMoreThanItsBoundInFlightAtVpsOrg() throws Exception {
        simulator.faults().add(Fault.latency(Duration.ofMillis(200)).on("GET", "/api/v1/snapshots/.*"));
        simulator.clearRequests();
        int callers = 16;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Answer> answers = new ArrayList<>();
        try {
            List<Future<Answer>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                RunningPlatform instance = i % 2 == 0 ? first : second;
                futures.add(pool.submit(() -> {
                    go.await();
                    return instance.send("GET", "/api/v1/snapshots/", RunningPlatform.OTHER_TOKEN, null);
                }));
            }
            go.countDown();
            for (Future<Answer> future : futures) {
                answers.add(future.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            simulator.faults().clear();
        }

        assertThat(simulator.mostRequestsInFlight()).as("VPS.org received %s", simulator.requests().stream()
                .map(r -> r.receivedAt() + " " + r.method() + " " + r.path() + "?" + r.query()).toList()).isBetween(1, 2);
        assertThat(answers).extracting(Answer::status).as("answers: %s", answers.stream()
                .map(a -> a.status() + " " + (a.status() == 200 ? "" : a.get("reason_code") + " " + a.get("detail"))).toList())
                .containsOnly(200, 429).contains(200);
        answers.stream().filter(answer -> answer.status() == 429).forEach(answer -> {
            assertThat(answer.get("reason_code")).isEqualTo("TEAM_CALLS_IN_FLIGHT_LIMITED");
            assertThat(answer.header("Retry-After")).isEqualTo("1");
        });
        // Every slot was given back: the team is served again on either instance, once the other's unused
        // slots have gone back to the table (ADR 0045: within half a second of being idle).
        for (RunningPlatform instance : List.of(first, second)) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(
                    () -> instance.send("GET", "/api/v1/snapshots/", RunningPlatform.OTHER_TOKEN, null).status() == 200);
        }
    }
}
