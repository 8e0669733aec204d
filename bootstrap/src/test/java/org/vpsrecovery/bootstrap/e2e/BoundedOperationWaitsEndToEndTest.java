package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Long polls ({@code GET /operations/{id}/?wait=}) each hold a worker for up to a minute, so one
 * instance runs at most {@code vpsr.operations.max-waits} at once, and at most
 * {@code vpsr.operations.max-waits-per-team} of one team's. Past either a waiting read is answered at
 * once, 503 problem+json with Retry-After and a reason code, never queued; a team at its share leaves
 * the other teams' waits served; a read that does not wait is never refused, and the slots come back
 * when the waits end.
 */
class BoundedOperationWaitsEndToEndTest {

    /** VPS.org takes an hour over a snapshot, until the test moves its clock on. */
    private static final Duration MAKING_TAKES = Duration.ofHours(1);

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withDelays(MAKING_TAKES, Duration.ofSeconds(10)),
            PlatformOnSimulator.with(PlatformOnSimulator.QUICK_TRACKING,
                    Map.of("vpsr.operations.max-waits", "3", "vpsr.operations.max-waits-per-team", "2",
                            "vpsr.jobs.polling-interval", "500ms")));

    @Test
    void waitsBeyondATeamsShareOrTheInstancesBoundAreRefusedAtOnceAndTheOtherTeamsWaitsServed() throws Exception {
        String demos = operationOf(RunningPlatform.DEMO_TOKEN, 12345, "demo-waited-on");
        String others = operationOf(RunningPlatform.OTHER_TOKEN, 23456, "other-waited-on");

        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            List<CompletableFuture<Answer>> holding = new java.util.ArrayList<>(List.of(
                    hold(callers, demos, RunningPlatform.DEMO_TOKEN), hold(callers, demos, RunningPlatform.DEMO_TOKEN)));

            // Once the demo team holds its share (2 of the 3 slots), its third wait is refused at once.
            Answer teamsShare = refusedOnceHeld(demos, RunningPlatform.DEMO_TOKEN);
            assertThat((String) teamsShare.get("detail")).contains("your team");
            // The other team's wait is still served: the instance has a slot left, and it is within its own share.
            Answer served = SETUP.platform().send("GET", others + "?wait=1", RunningPlatform.OTHER_TOKEN, null);
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.get("state")).isEqualTo("in_progress");

            // The other team takes the last slot: now the instance's bound refuses it, within its share.
            holding.add(hold(callers, others, RunningPlatform.OTHER_TOKEN));
            Answer instanceFull = refusedOnceHeld(others, RunningPlatform.OTHER_TOKEN);
            assertThat((String) instanceFull.get("detail")).contains("this instance");
            // Every slot taken, as operators see it (session 55; the drain's test waits on it for its long poll).
            assertThat(waitsInUse()).as("vpsr.operations.waits.in_use while the three wait").isEqualTo(3.0);
            // A read that does not wait takes no slot.
            Answer now = SETUP.platform().send("GET", demos, RunningPlatform.DEMO_TOKEN, null);
            assertThat(now.status()).isEqualTo(200);
            assertThat(now.get("state")).isEqualTo("in_progress");

            // VPS.org finishes: the tracker completes the operations, and every wait answers with its end.
            SETUP.simulator().clock().advance(MAKING_TAKES.plusMinutes(1));
            for (CompletableFuture<Answer> waited : holding) {
                Answer answer = waited.get(60, TimeUnit.SECONDS);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.get("state")).isEqualTo("completed");
            }
        } finally {
            callers.shutdownNow();
        }
        // Their slots and shares were given back (each before its answer was sent): waits are admitted again.
        assertThat(waitsInUse()).as("vpsr.operations.waits.in_use once the waits answered").isZero();
        assertThat(SETUP.platform().send("GET", demos + "?wait=1", RunningPlatform.DEMO_TOKEN, null).status()).isEqualTo(200);
        assertThat(SETUP.platform().send("GET", demos + "?wait=1", RunningPlatform.DEMO_TOKEN, null).status()).isEqualTo(200);
        assertThat(SETUP.platform().send("GET", others + "?wait=1", RunningPlatform.OTHER_TOKEN, null).status()).isEqualTo(200);
    }

    @Test
    void waitsWhoseCallersHaveGoneGiveTheirSlotsBackLongBeforeTheirDeadline() throws Exception {
        String operation = operationOf(RunningPlatform.DEMO_TOKEN, 12345, "demo-left-behind");
        String others = operationOf(RunningPlatform.OTHER_TOKEN, 23456, "other-left-behind");
        // Every slot taken by waits of a minute (up to the longest wait here, 40 s), whose callers then hang up.
        List<Socket> callers = List.of(waitingCaller(operation, RunningPlatform.DEMO_TOKEN),
                waitingCaller(operation, RunningPlatform.DEMO_TOKEN), waitingCaller(others, RunningPlatform.OTHER_TOKEN));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> waitsInUse() == 3.0);
        assertThat(SETUP.platform().send("GET", others + "?wait=1", RunningPlatform.OTHER_TOKEN, null).status())
                .as("a fourth wait while the three callers are there").isEqualTo(503);
        for (Socket caller : callers) {
            caller.close();
        }

        // Each wait sees at its next look that nobody is there: the slots come back, well within the waits' deadline.
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> waitsInUse() == 0.0);
        Answer admitted = SETUP.platform().send("GET", others + "?wait=1", RunningPlatform.OTHER_TOKEN, null);
        assertThat(admitted.status()).isEqualTo(200);
        assertThat(admitted.get("state")).isEqualTo("in_progress");
    }

    /** A caller on a connection of its own, which asks for a wait of a minute and reads nothing. */
    private static Socket waitingCaller(String operation, String token) throws Exception {
        Socket socket = new Socket("127.0.0.1", SETUP.platform().server.getPort());
        socket.getOutputStream().write(("GET " + operation + "?wait=60 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private static double waitsInUse() {
        return SETUP.platform().context.getBean(MeterRegistry.class).get("vpsr.operations.waits.in_use").gauge().value();
    }

    /** The path of a new snapshot's operation, which stays in progress until the test moves VPS.org's clock. */
    private static String operationOf(String token, long server, String name) {
        Answer created = SETUP.platform().send("POST", "/api/v1/snapshots/", token,
                "{\"server_id\": " + server + ", \"name\": \"" + name + "\"}", Map.of("X-Request-Id", "bounded-waits-" + name));
        assertThat(created.status()).isEqualTo(201);
        return "/api/v1/operations/" + created.header("X-Operation-Id") + "/";
    }

    private static CompletableFuture<Answer> hold(ExecutorService callers, String operation, String token) {
        return CompletableFuture.supplyAsync(() -> SETUP.platform().send("GET", operation + "?wait=25", token, null), callers);
    }

    /** Polls a short wait until it is refused (until the holding waits hold their slots, it may be served). */
    private static Answer refusedOnceHeld(String operation, String token) {
        Answer refused = Awaitility.await().atMost(Duration.ofSeconds(20))
                .pollDelay(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(100))
                .until(() -> SETUP.platform().send("GET", operation + "?wait=1", token, null), answer -> answer.status() == 503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.get("reason_code")).isEqualTo("TOO_MANY_WAITING_REQUESTS");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        return refused;
    }
}
