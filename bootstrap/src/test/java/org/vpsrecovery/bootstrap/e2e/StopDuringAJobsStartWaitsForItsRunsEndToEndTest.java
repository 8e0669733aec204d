package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import com.github.kagkarlsson.scheduler.Scheduler;
import io.micronaut.context.RuntimeBeanDefinition;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.ClusterJobs;
import org.vpsrecovery.bootstrap.ClusterJobsByHand;
import org.vpsrecovery.domain.port.AuditCountDeltas;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * A stop that lands during a quick start of the job scheduler returns only after the runs that start brought up ended
 * (ADR 0038, own-merge review of session 56). Before, the start, seeing the stop, ran db-scheduler's stop itself while
 * holding its lock; the stop's wait for the start ran out after 2 s and it returned while the runs went on, so the drain
 * closed the pool and the VPS.org client under them.
 *
 * <p>The start is held, through its own log lines, first until the stop waits for it, then until a run of the audit
 * counts' fold is in its body. The run ends only when the stop returns, or when the scheduler's stop interrupts it past
 * {@code vpsr.jobs.shutdown-max-wait} (4 s here, past the stop's 2 s wait for a start): no duration is asserted, only
 * which came first.
 */
class StopDuringAJobsStartWaitsForItsRunsEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final long BOUND_SECONDS = 60;
    /** The start and the stop each on a thread of its own: the common pool may have one worker on two cores. */
    private static final Executor OWN_THREAD = run -> Thread.ofPlatform().start(run);

    final CountDownLatch runBegan = new CountDownLatch(1);
    final CountDownLatch stopReturned = new CountDownLatch(1);
    final Queue<String> order = new ConcurrentLinkedQueue<>();

    VpsOrgSimulator simulator;
    RunningPlatform platform;
    final List<Runnable> undo = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        undo.reversed().forEach(Runnable::run);
        stopReturned.countDown();
        if (platform != null) {
            platform.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    /** A fold whose run holds its thread until the stop returns, or the scheduler's stop interrupts it. */
    private long heldFold() {
        runBegan.countDown();
        try {
            stopReturned.await();
        } catch (InterruptedException cutByTheStop) {
            Thread.currentThread().interrupt();
        }
        order.add("run ended");
        return 0;
    }

    @Test
    void aStopDuringAQuickStartReturnsOnlyAfterTheRunsThatStartBroughtUpEnded() throws Exception {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        AuditCountDeltas held = this::heldFold;
        // No start of its own; the fold due at the scheduler's first poll.
        platform = RunningPlatform.startWith(DATABASE.database(), simulator,
                Map.of("vpsr.jobs.start-wait", "1h", "vpsr.audit.fold-counts-every", "1ms",
                        "vpsr.jobs.shutdown-max-wait", "4s"),
                List.of(RuntimeBeanDefinition.builder(AuditCountDeltas.class, () -> held).singleton(true)
                        .replaces(AuditCountDeltas.class).build()));
        ClusterJobs jobs = platform.context.getBean(ClusterJobs.class);
        // db-scheduler's first line of its start: held until the stop waits for the start.
        holdAt(Scheduler.class, "Starting scheduler.", line -> Awaitility.await().atMost(BOUND_SECONDS, TimeUnit.SECONDS)
                .until(() -> ClusterJobsByHand.aStopWaitsForTheStart(jobs)));
        // The start saw the stop: held until a run its scheduler picked is in its body.
        holdAt(ClusterJobs.class, "the job scheduler's start ended after this instance began to stop", line -> {
            try {
                runBegan.await(BOUND_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        CompletableFuture<Void> start = CompletableFuture.runAsync(() -> ClusterJobsByHand.start(jobs), OWN_THREAD);
        // The start holds its lock from here on: the stop below lands during it.
        Awaitility.await().atMost(BOUND_SECONDS, TimeUnit.SECONDS).until(() -> !heldLines.isEmpty());
        CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> {
            ClusterJobsByHand.stop(jobs);
            order.add("stop returned");
            stopReturned.countDown();
        }, OWN_THREAD);
        stop.get(BOUND_SECONDS, TimeUnit.SECONDS);
        start.get(BOUND_SECONDS, TimeUnit.SECONDS);

        assertThat(runBegan.getCount()).as("a run of the fold began during the start").isZero();
        assertThat(order).containsExactly("run ended", "stop returned");
    }

    /** The lines held so far. */
    private final Queue<String> heldLines = new ConcurrentLinkedQueue<>();

    /**
     * Holds the thread that logs a line of {@code source} starting with {@code prefix} in {@code hold}, once; the
     * logger at INFO meanwhile.
     */
    private void holdAt(Class<?> source, String prefix, Consumer<ILoggingEvent> hold) {
        Logger logger = (Logger) LoggerFactory.getLogger(source);
        Level before = logger.getLevel();
        CountDownLatch once = new CountDownLatch(1);
        UnsynchronizedAppenderBase<ILoggingEvent> holding = new UnsynchronizedAppenderBase<>() {
            @Override
            protected void append(ILoggingEvent line) {
                if (line.getFormattedMessage().startsWith(prefix) && once.getCount() > 0) {
                    once.countDown();
                    heldLines.add(line.getFormattedMessage());
                    hold.accept(line);
                }
            }
        };
        holding.setContext(logger.getLoggerContext());
        holding.start();
        logger.addAppender(holding);
        logger.setLevel(Level.INFO);
        undo.add(() -> {
            logger.detachAppender(holding);
            logger.setLevel(before);
        });
    }
}
