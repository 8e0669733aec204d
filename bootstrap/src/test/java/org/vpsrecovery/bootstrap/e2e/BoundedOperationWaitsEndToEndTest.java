package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
 * instance runs at most {@code vpsr.operations.max-waits} at once. Past that a waiting read is
 * answered at once, 503 problem+json with Retry-After and a reason code, never queued; a read that
 * does not wait is never refused, and the slots come back when the waits end.
 */
class BoundedOperationWaitsEndToEndTest {

    /** VPS.org takes an hour over a snapshot, until the test moves its clock on. */
    private static final Duration MAKING_TAKES = Duration.ofHours(1);

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withDelays(MAKING_TAKES, Duration.ofSeconds(10)),
            PlatformOnSimulator.with(PlatformOnSimulator.QUICK_TRACKING,
                    Map.of("vpsr.operations.max-waits", "2", "vpsr.jobs.polling-interval", "500ms")));

    @Test
    void waitsBeyondTheBoundAreRefusedAtOnceWithRetryAfterAndTheSlotsComeBack() throws Exception {
        Answer created = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"waited-on\"}", Map.of("X-Request-Id", "bounded-waits"));
        assertThat(created.status()).isEqualTo(201);
        String waitFor = "/api/v1/operations/" + created.header("X-Operation-Id") + "/";

        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Answer>> holding = List.of(
                    CompletableFuture.supplyAsync(() -> SETUP.platform().send("GET", waitFor + "?wait=25", RunningPlatform.DEMO_TOKEN, null), callers),
                    CompletableFuture.supplyAsync(() -> SETUP.platform().send("GET", waitFor + "?wait=25", RunningPlatform.DEMO_TOKEN, null), callers));

            // Once both hold their slot, a third wait is refused at once (until then it may be served).
            Answer refused = Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> SETUP.platform().send("GET", waitFor + "?wait=1", RunningPlatform.DEMO_TOKEN, null),
                            answer -> answer.status() == 503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.get("reason_code")).isEqualTo("TOO_MANY_WAITING_REQUESTS");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
            // A read that does not wait takes no slot.
            Answer now = SETUP.platform().send("GET", waitFor, RunningPlatform.DEMO_TOKEN, null);
            assertThat(now.status()).isEqualTo(200);
            assertThat(now.get("state")).isEqualTo("in_progress");

            // VPS.org finishes: the tracker completes the operation, and both waits answer with its end.
            SETUP.simulator().clock().advance(MAKING_TAKES.plusMinutes(1));
            for (CompletableFuture<Answer> waited : holding) {
                Answer answer = waited.get(60, TimeUnit.SECONDS);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.get("state")).isEqualTo("completed");
            }
        } finally {
            callers.shutdownNow();
        }
        // Their slots were given back: waits are admitted again.
        assertThat(SETUP.platform().send("GET", waitFor + "?wait=1", RunningPlatform.DEMO_TOKEN, null).status()).isEqualTo(200);
        assertThat(SETUP.platform().send("GET", waitFor + "?wait=1", RunningPlatform.DEMO_TOKEN, null).status()).isEqualTo(200);
    }
}
