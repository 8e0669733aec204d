package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.ClusterJobs;
import org.vpsrecovery.bootstrap.ClusterJobsByHand;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * A stop asked while the job scheduler's start waits on a stalled database (here a real lock held on
 * {@code scheduled_tasks}, which the start reads and writes a row of per job) does not wait for that start, and the
 * start, when the database answers, leaves no scheduler running (ADR 0038, session 56). Before, the start and the stop
 * shared one monitor: the stop waited behind the start as long as the database did, past the orchestrator's grace.
 */
class StopDuringAStalledJobsStartEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    /** Far longer than the stop's own wait for a start: only a stop that waits for the database reaches it. */
    private static final Duration BOUND = Duration.ofSeconds(30);

    VpsOrgSimulator simulator;
    RunningPlatform platform;

    @AfterEach
    void stop() {
        if (platform != null) {
            platform.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void aStopReturnsWhileTheStartWaitsOnTheDatabaseAndThatStartRunsNoScheduler() throws Exception {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        // No start of its own (no first answer within the hour); a lock is waited for as long as the test holds it.
        platform = RunningPlatform.start(DATABASE.database(), simulator,
                Map.of("vpsr.jobs.start-wait", "1h", "vpsr.database.lock-timeout", "10m",
                        "vpsr.database.network-timeout", "11m"));
        ClusterJobs jobs = platform.context.getBean(ClusterJobs.class);
        CompletableFuture<Void> start = new CompletableFuture<>();
        try (Connection holder = DATABASE.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement lock = holder.createStatement()) {
                lock.execute("LOCK TABLE scheduled_tasks IN ACCESS EXCLUSIVE MODE");
            }
            Thread.ofPlatform().name("test-jobs-start").start(() -> {
                try {
                    ClusterJobsByHand.start(jobs);
                    start.complete(null);
                } catch (Throwable failed) {
                    start.completeExceptionally(failed);
                }
            });
            await().atMost(BOUND).until(() -> sessionsWaitingForTheTable(holder) > 0);

            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> ClusterJobsByHand.stop(jobs));
            stop.get(BOUND.toSeconds(), TimeUnit.SECONDS); // before: the stop waited behind the start, held by the lock

            assertThat(start).as("the start still waits on the database: the stop did not wait for it").isNotDone();
            assertThat(sessionsWaitingForTheTable(holder)).isPositive();
            holder.rollback();
        }
        start.get(BOUND.toSeconds(), TimeUnit.SECONDS);

        assertThat(ClusterJobsByHand.state(jobs)).isEqualTo("stopping");
        // A scheduler left running keeps its due loop and its heartbeat threads for ever.
        await().atMost(BOUND).until(() -> Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).noneMatch(name -> name.startsWith("db-scheduler-execute-due-")
                        || name.startsWith("db-scheduler-housekeeper-")));
    }

    /** Sessions waiting for a lock on {@code scheduled_tasks}: here, the jobs' start behind the test's lock. */
    private static int sessionsWaitingForTheTable(Connection holder) throws SQLException {
        try (Statement query = holder.createStatement();
             ResultSet rs = query.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted "
                     + "AND relation = 'scheduled_tasks'::regclass")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
