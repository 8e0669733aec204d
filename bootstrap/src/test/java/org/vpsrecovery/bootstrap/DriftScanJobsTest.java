package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.http.provider.VpsOrgSettings;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.application.drift.ScanDriftService;

/** The drift scan's runs as db-scheduler makes them, on PostgreSQL, over rounds the test chooses (ADR 0035). */
class DriftScanJobsTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final Instant NOW = Instant.parse("2026-11-24T02:03:00Z");
    private static final Duration EVERY = Duration.ofMinutes(10);

    @BeforeEach
    void noTaskScheduledYet() throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement clear = connection.prepareStatement("DELETE FROM scheduled_tasks")) {
            clear.executeUpdate();
        }
    }

    private static List<Instant> scansDue() throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement due = connection.prepareStatement(
                     "SELECT execution_time FROM scheduled_tasks WHERE task_name = ?")) {
            due.setString(1, DriftScanJobs.DRIFT_SCAN);
            try (ResultSet rs = due.executeQuery()) {
                List<Instant> times = new ArrayList<>();
                while (rs.next()) {
                    times.add(rs.getTimestamp(1).toInstant());
                }
                return times;
            }
        }
    }

    /** What a round was asked: the server to start after and how many servers to take. */
    private record Asked(Optional<Long> after, int servers) {
    }

    /**
     * A round its budget cut short (VPS.org slow: 3 of its 100 servers in the budget) is not left for the next interval
     * (10 minutes by default, in which the other 97 would wait, and 3 more after that, and so on): the rest of the round,
     * its 97 servers after the last one reached, runs at once; the round done, the next waits the interval (ADR 0035,
     * amended in session 46). The cursor and the count left are kept in db-scheduler's row. Run by db-scheduler itself.
     */
    @Test
    void aRoundCutShortByItsBudgetGoesOnAtOnceWithTheServersItHadLeftAndTheNextRoundWaitsTheInterval()
            throws SQLException {
        SettableClock time = new SettableClock();
        time.set(NOW);
        List<Asked> asked = new CopyOnWriteArrayList<>();
        DriftScanJobs jobs = new DriftScanJobs((after, servers, pacing, budget) -> {
            asked.add(new Asked(after, servers));
            return switch (asked.size()) {
                case 1 -> new ScanDriftService.Round(3, 0, 0, 0, Optional.of(3L), 97);
                case 2 -> new ScanDriftService.Round(96, 1, 0, 0, Optional.of(100L), 0);
                default -> new ScanDriftService.Round(100, 0, 0, 0, Optional.of(200L), 0);
            };
        }, EVERY, 100, Duration.ZERO, Duration.ofMinutes(1),
                VpsOrgSettings.DEFAULT_MAX_HOLD);
        RecurringTask<java.io.Serializable> task = jobs.task();
        var scheduler = TestHelper.createManualScheduler(DATABASE.dataSource(), task).clock(time).start();
        try {
            scheduler.schedule(task.instance(RecurringTask.INSTANCE, -1L), NOW);

            scheduler.runAnyDueExecutions();
            scheduler.runAnyDueExecutions(); // the clock has not moved: only what is due now runs

            assertThat(asked).containsExactly(new Asked(Optional.empty(), 100), new Asked(Optional.of(3L), 97));
            assertThat(scansDue()).containsExactly(NOW.plus(EVERY));

            scheduler.setTime(NOW.plus(EVERY));
            scheduler.runAnyDueExecutions();

            assertThat(asked).hasSize(3).last().isEqualTo(new Asked(Optional.of(100L), 100));
        } finally {
            scheduler.stop();
        }
    }

    /**
     * A round VPS.org ended with a 429 is not cut short by its budget: it does not go on at once, and the next round waits
     * the interval or VPS.org's Retry-After, whichever is longer, starting at the server the 429 refused (the cursor left
     * on the last one scanned). Before, the whole round asked VPS.org on and the next came at the interval (session 51).
     * Here {@code vpsorg.max-hold} is longer than that wait.
     */
    @Test
    void aRoundVpsOrgThrottledWaitsItsRetryAfterBeforeTheNextAndKeepsItsCursor() throws SQLException {
        SettableClock time = new SettableClock();
        time.set(NOW);
        List<Asked> asked = new CopyOnWriteArrayList<>();
        Duration retryAfter = EVERY.multipliedBy(3);
        DriftScanJobs jobs = new DriftScanJobs((after, servers, pacing, budget) -> {
            asked.add(new Asked(after, servers));
            return asked.size() == 1 ? new ScanDriftService.Round(3, 0, 0, 0, Optional.of(3L), 0, Optional.of(retryAfter))
                    : new ScanDriftService.Round(100, 0, 0, 0, Optional.of(200L), 0);
        }, EVERY, 100, Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(1));
        RecurringTask<java.io.Serializable> task = jobs.task();
        var scheduler = TestHelper.createManualScheduler(DATABASE.dataSource(), task).clock(time).start();
        try {
            scheduler.schedule(task.instance(RecurringTask.INSTANCE, -1L), NOW);

            scheduler.runAnyDueExecutions();
            scheduler.runAnyDueExecutions();

            assertThat(asked).containsExactly(new Asked(Optional.empty(), 100));
            assertThat(scansDue()).containsExactly(NOW.plus(retryAfter));

            scheduler.setTime(NOW.plus(EVERY));
            scheduler.runAnyDueExecutions();
            assertThat(asked).as("not at the interval: VPS.org asked for longer").hasSize(1);

            scheduler.setTime(NOW.plus(retryAfter));
            scheduler.runAnyDueExecutions();
            assertThat(asked).hasSize(2).last().isEqualTo(new Asked(Optional.of(3L), 100));
        } finally {
            scheduler.stop();
        }
    }

    /**
     * A 429 asking for longer than {@code vpsorg.max-hold} puts the next round off by max-hold only (when longer than the
     * interval), said at WARN: one bogus 429 stopped the scan cluster-wide for up to an hour before (ADR 0010, amended in
     * session 52).
     */
    @Test
    void aRoundVpsOrgThrottledWaitsAtMostTheMaxHoldBeforeTheNext() throws SQLException {
        SettableClock time = new SettableClock();
        time.set(NOW);
        List<Asked> asked = new CopyOnWriteArrayList<>();
        Duration maxHold = EVERY.plusMinutes(5);
        DriftScanJobs jobs = new DriftScanJobs((after, servers, pacing, budget) -> {
            asked.add(new Asked(after, servers));
            return asked.size() == 1 ? new ScanDriftService.Round(3, 0, 0, 0, Optional.of(3L), 0,
                    Optional.of(Duration.ofHours(1))) : new ScanDriftService.Round(100, 0, 0, 0, Optional.of(200L), 0);
        }, EVERY, 100, Duration.ZERO, Duration.ofMinutes(1), maxHold);
        RecurringTask<java.io.Serializable> task = jobs.task();
        var scheduler = TestHelper.createManualScheduler(DATABASE.dataSource(), task).clock(time).start();
        try {
            scheduler.schedule(task.instance(RecurringTask.INSTANCE, -1L), NOW);

            List<String> warned = LoggedWarnings.of(BudgetedRecurringTask.class, scheduler::runAnyDueExecutions);

            assertThat(scansDue()).as("VPS.org's hour capped by vpsorg.max-hold").containsExactly(NOW.plus(maxHold));
            assertThat(warned).singleElement().asString().contains(DriftScanJobs.DRIFT_SCAN, "wait 3600 s",
                    "vpsorg.max-hold (900 s)", NOW.plus(maxHold).toString());

            scheduler.setTime(NOW.plus(maxHold));
            scheduler.runAnyDueExecutions();
            assertThat(asked).hasSize(2).last().isEqualTo(new Asked(Optional.of(3L), 100));
        } finally {
            scheduler.stop();
        }
    }
}
