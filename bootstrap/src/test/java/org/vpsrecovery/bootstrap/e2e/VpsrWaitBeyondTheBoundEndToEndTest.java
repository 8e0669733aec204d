package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.bootstrap.e2e.VpsrCommands.Run;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * An instance answers waiting reads beyond its bound with 503 TOO_MANY_WAITING_REQUESTS; vpsr's
 * {@code --wait} then reads without waiting instead of giving up, and still ends with the operation.
 */
class VpsrWaitBeyondTheBoundEndToEndTest {

    /** VPS.org takes an hour over a snapshot, until the test moves its clock on. */
    private static final Duration MAKING_TAKES = Duration.ofHours(1);

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withDelays(MAKING_TAKES, Duration.ofSeconds(10)),
            PlatformOnSimulator.with(PlatformOnSimulator.QUICK_TRACKING,
                    Map.of("vpsr.operations.max-waits", "1", "vpsr.jobs.polling-interval", "500ms")));

    @Test
    void theWaitGoesOnWithPlainReadsWhileTheInstanceHoldsNoMoreWaits() throws Exception {
        Answer created = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"waited-on\"}");
        assertThat(created.status()).isEqualTo(201);
        String operationId = created.header("X-Operation-Id");
        String path = "/api/v1/operations/" + operationId + "/";

        // Another client holds the instance's only waiting slot.
        CompletableFuture<Answer> holder = CompletableFuture.supplyAsync(
                () -> SETUP.platform().send("GET", path + "?wait=50", RunningPlatform.DEMO_TOKEN, null));
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> SETUP.platform().send("GET", path + "?wait=1", RunningPlatform.DEMO_TOKEN, null).status() == 503);

        VpsrCommands vpsr = VpsrCommands.against(SETUP.platform());
        CompletableFuture<Run> waiting = CompletableFuture.supplyAsync(
                () -> vpsr.run(RunningPlatform.DEMO_TOKEN, "operations", "wait", operationId));
        // Still waiting while VPS.org works (the holder keeps the slot throughout).
        Awaitility.await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                .until(() -> !waiting.isDone());

        SETUP.simulator().clock().advance(MAKING_TAKES.plusMinutes(1));
        Run done = waiting.get(60, TimeUnit.SECONDS);
        assertThat(done.exitCode()).as(done.err()).isZero();
        List<String> progress = done.err().lines().toList();
        assertThat(progress.getFirst()).contains("create_snapshot").contains(": in_progress");
        assertThat(progress.getLast()).endsWith(": completed");
        assertThat(done.err()).doesNotContain("TOO_MANY_WAITING_REQUESTS");
        assertThat(holder.get(60, TimeUnit.SECONDS).get("state")).isEqualTo("completed");
    }
}
