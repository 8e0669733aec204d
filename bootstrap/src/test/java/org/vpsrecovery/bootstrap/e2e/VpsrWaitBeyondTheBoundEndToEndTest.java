package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.bootstrap.e2e.VpsrCommands.Run;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * An instance answers waiting reads beyond its bound with 503 TOO_MANY_WAITING_REQUESTS; vpsr's
 * {@code --wait} then reads without waiting instead of giving up, and still ends with the operation.
 */
class VpsrWaitBeyondTheBoundEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    /** VPS.org takes an hour over a snapshot, until the test moves its clock on. */
    private static final Duration MAKING_TAKES = Duration.ofHours(1);

    static VpsOrgSimulator simulator;
    static RunningPlatform platform;

    @BeforeAll
    static void start() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults().withDelays(MAKING_TAKES, Duration.ofSeconds(10)));
        platform = RunningPlatform.start(DATABASE.database(), simulator, Map.of(
                "vpsr.operations.max-waits", "1",
                "vpsr.tracking.every", "500ms", "vpsr.tracking.first-look", "500ms",
                "vpsr.tracking.longest-look", "1s", "vpsr.jobs.polling-interval", "500ms"));
    }

    @AfterAll
    static void stop() {
        platform.close();
        simulator.close();
    }

    @Test
    void theWaitGoesOnWithPlainReadsWhileTheInstanceHoldsNoMoreWaits() throws Exception {
        Answer created = platform.send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"waited-on\"}");
        assertThat(created.status()).isEqualTo(201);
        String operationId = created.header("X-Operation-Id");
        String path = "/api/v1/operations/" + operationId + "/";

        // Another client holds the instance's only waiting slot.
        CompletableFuture<Answer> holder = CompletableFuture.supplyAsync(
                () -> platform.send("GET", path + "?wait=50", RunningPlatform.DEMO_TOKEN, null));
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> platform.send("GET", path + "?wait=1", RunningPlatform.DEMO_TOKEN, null).status() == 503);

        VpsrCommands vpsr = VpsrCommands.against(platform);
        CompletableFuture<Run> waiting = CompletableFuture.supplyAsync(
                () -> vpsr.run(RunningPlatform.DEMO_TOKEN, "operations", "wait", operationId));
        // Still waiting while VPS.org works (the holder keeps the slot throughout).
        Awaitility.await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                .until(() -> !waiting.isDone());

        simulator.clock().advance(MAKING_TAKES.plusMinutes(1));
        Run done = waiting.get(60, TimeUnit.SECONDS);
        assertThat(done.exitCode()).as(done.err()).isZero();
        List<String> progress = done.err().lines().toList();
        assertThat(progress.getFirst()).contains("create_snapshot").contains(": in_progress");
        assertThat(progress.getLast()).endsWith(": completed");
        assertThat(done.err()).doesNotContain("TOO_MANY_WAITING_REQUESTS");
        assertThat(holder.get(60, TimeUnit.SECONDS).get("state")).isEqualTo("completed");
    }
}
