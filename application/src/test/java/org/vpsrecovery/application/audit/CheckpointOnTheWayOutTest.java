package org.vpsrecovery.application.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.snapshot.SnapshotName;

/**
 * ADR 0052, amended in session 45: the round on the way out never holds a stop for a periodic round's walk from the
 * first event (minutes at 10 M events). Rounds still run one at a time: it gives up instead, signing nothing.
 */
class CheckpointOnTheWayOutTest {

    @Test
    void theRoundOnTheWayOutGivesUpRatherThanWaitForAPeriodicRoundsWalk() throws Exception {
        PlatformFixture platform = new PlatformFixture();
        platform.createSnapshot().createSnapshot(new CreateSnapshotCommand(platform.as(PlatformFixture.BLUE),
                PlatformFixture.WEB, new SnapshotName("one"), Optional.empty()));
        CountDownLatch walking = new CountDownLatch(1);
        CountDownLatch walkMayEnd = new CountDownLatch(1);
        // The history as stored, its walk from the first event held until the test lets it end (at 10 M events: minutes).
        AuditHistory slowWalk = (AuditHistory) Proxy.newProxyInstance(AuditHistory.class.getClassLoader(),
                new Class<?>[] {AuditHistory.class}, (proxy, method, args) -> {
                    if (method.getName().equals("verifyChain")) {
                        walking.countDown();
                        walkMayEnd.await();
                    }
                    try {
                        return method.invoke(platform.history, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        RecordChainCheckpointService service = new RecordChainCheckpointService(slowWalk, platform.history,
                platform.checkpoints, platform.checkpointSigner,
                CheckpointKeys.of(List.of(platform.checkpointSigner.publicKey())), platform.clock);

        // Threads of its own: the common pool may have one thread only (2 cores), the periodic round's.
        ExecutorService rounds = Executors.newFixedThreadPool(2);
        CompletableFuture<RecordChainCheckpointService.Round> periodic = CompletableFuture.supplyAsync(
                () -> service.recordIfMoved(RecordChainCheckpointService.Walk.AS_FAR_AS_NEEDED), rounds);
        Optional<RecordChainCheckpointService.Round> onTheWayOut;
        try {
            assertThat(walking.await(30, TimeUnit.SECONDS)).as("the periodic round walks from the first event").isTrue();
            // Bounded only so that a round that waits for the walk fails the test instead of hanging it.
            onTheWayOut = CompletableFuture.supplyAsync(() -> service.recordOnTheWayOut(Duration.ofMillis(100)), rounds)
                    .get(30, TimeUnit.SECONDS);
        } finally {
            walkMayEnd.countDown();
            rounds.shutdown();
        }

        assertThat(onTheWayOut).as("nothing signed on the way out while the periodic round walks").isEmpty();
        RecordChainCheckpointService.Round walked = periodic.get(30, TimeUnit.SECONDS);
        assertThat(walked.recorded()).as("the periodic round signs what it walked").isPresent();
        assertThat(service.recordOnTheWayOut(Duration.ofMillis(100))).as("once it ended, a round on the way out runs")
                .isPresent();
        assertThat(platform.checkpoints.latest()).contains(walked.recorded().orElseThrow());
    }
}
