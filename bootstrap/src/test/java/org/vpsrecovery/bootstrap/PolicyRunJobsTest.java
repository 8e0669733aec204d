package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.application.job.RunBudget;
import org.vpsrecovery.application.policy.RunPoliciesService;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.bootstrap.PolicyRunJobs.PutOffRuns;
import org.vpsrecovery.bootstrap.PolicyRunJobs.Settings;

/** The retries a failed policy run is given ({@code vpsr.policies.retry-attempts}), as rows of db-scheduler's table. */
class PolicyRunJobsTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final Instant NOW = Instant.parse("2026-11-24T02:03:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static PolicyRunJobs jobs(int retryAttempts) {
        return jobs(retryAttempts, RunPoliciesService.RunResult.FAILED);
    }

    private static PolicyRunJobs jobs(int retryAttempts, RunPoliciesService.RunResult result) {
        return new PolicyRunJobs((from, to, after, budget) -> new RunPoliciesService.Ticked(List.of(
                new RunPoliciesService.Run(new TeamId("blue"), PolicyId.random(), new ServerId(12345),
                        Instant.parse("2026-11-24T02:00:00Z"), result, List.of())), Optional.empty()),
                of -> Optional.empty(), PutOffRuns.NONE, CLOCK, DATABASE.dataSource(),
                Settings.DEFAULTS.withRetryAttempts(retryAttempts));
    }

    private static List<Instant> retriesDue() throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement due = connection.prepareStatement(
                     "SELECT execution_time FROM scheduled_tasks WHERE task_name = ? ORDER BY execution_time")) {
            due.setString(1, PolicyRunJobs.POLICY_RUN_RETRY);
            try (ResultSet rs = due.executeQuery()) {
                List<Instant> times = new java.util.ArrayList<>();
                while (rs.next()) {
                    times.add(rs.getTimestamp(1).toInstant());
                }
                return times;
            }
        }
    }

    @org.junit.jupiter.api.BeforeEach
    void noTaskScheduledYet() throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement clear = connection.prepareStatement("DELETE FROM scheduled_tasks")) {
            clear.executeUpdate();
        }
    }

    private static long retriesScheduled() throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT count(*) FROM scheduled_tasks WHERE task_name = ?")) {
            count.setString(1, PolicyRunJobs.POLICY_RUN_RETRY);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The host's clock stepped back (NTP) by more than an interval since the last window ended: the window ending now
     * is empty, and its end is not kept. Before, the saved end moved back, and the next ticks ran again the cron times
     * already ticked (a FAILED run re-run, a false "merged" warning).
     */
    @Test
    void aWindowEndingBeforeTheLastWindowsEndTicksNothingAndKeepsTheLastEnd() {
        List<Instant> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> {
            asked.add(from);
            return new RunPoliciesService.Ticked(List.of(), Optional.empty());
        }, of -> Optional.empty(), PutOffRuns.NONE, CLOCK, DATABASE.dataSource(), Settings.DEFAULTS);
        long last = NOW.plusSeconds(60).toEpochMilli();

        assertThat(jobs.runOnce(last, org.vpsrecovery.application.job.RunBudget.UNBOUNDED)).isEqualTo(last);
        assertThat(asked).isEmpty();
        assertThat(jobs.runOnce(NOW.minusSeconds(30).toEpochMilli(), org.vpsrecovery.application.job.RunBudget.UNBOUNDED))
                .isEqualTo(NOW.toEpochMilli());
        assertThat(asked).containsExactly(NOW.minusSeconds(30));
    }

    /**
     * After the platform's database went back, {@code vpsr.paused-after-restore} keeps every policy run off: no window is
     * ticked and the last window's end is kept, so the runs due meanwhile are put off, not dropped, and the first tick
     * once the switch is off covers them from that end (ADR 0028, amended in session 51).
     */
    @Test
    void whilePausedAfterARestoreNoWindowIsTickedAndTheLastEndIsKeptForTheTickAfterIt() {
        List<Instant> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        PolicyRunJobs.WindowTicks ticks = (from, to, after, budget) -> {
            asked.add(from);
            return new RunPoliciesService.Ticked(List.of(), Optional.empty());
        };
        PolicyRunJobs paused = new PolicyRunJobs(ticks, of -> Optional.empty(), PutOffRuns.NONE, CLOCK,
                DATABASE.dataSource(), Settings.DEFAULTS.withPausedAfterRestore(true));
        long last = NOW.minus(Duration.ofHours(2)).toEpochMilli();

        assertThat(paused.runOnce(last, org.vpsrecovery.application.job.RunBudget.UNBOUNDED)).isEqualTo(last);
        assertThat(paused.runOnce(-1L, org.vpsrecovery.application.job.RunBudget.UNBOUNDED)).isEqualTo(-1L);
        assertThat(asked).as("nothing ticked while paused").isEmpty();
        String retry = new PolicyRunJobs.RetryOf(new TeamId("blue"), PolicyId.random(), new ServerId(12345),
                NOW.minusSeconds(90)).id();
        assertThat(new PolicyRunJobs(ticks, of -> {
            throw new AssertionError("no retry runs while paused");
        }, PutOffRuns.NONE, CLOCK, DATABASE.dataSource(),
                Settings.DEFAULTS.withPausedAfterRestore(true))
                .retryOnce(retry)).contains(NOW.plus(PolicyRunJobs.PAUSED_LOOK_AGAIN));

        PolicyRunJobs resumed = new PolicyRunJobs(ticks, of -> Optional.empty(), PutOffRuns.NONE, CLOCK,
                DATABASE.dataSource(), Settings.DEFAULTS);
        assertThat(resumed.runOnce(last, org.vpsrecovery.application.job.RunBudget.UNBOUNDED))
                .isEqualTo(NOW.toEpochMilli());
        assertThat(asked).as("the window put off, from its last end").containsExactly(Instant.ofEpochMilli(last));
    }

    /**
     * While paused, each tick has the runs put off since the window's last end audited (ADR 0028, amended in session
     * 52): only logged before. The window itself is kept, so the tick after the pause still runs them.
     */
    @Test
    void whilePausedEachTickHasTheRunsPutOffSinceTheLastEndAudited() {
        List<String> audited = new java.util.concurrent.CopyOnWriteArrayList<>();
        PolicyRunJobs paused = new PolicyRunJobs((from, to, after, budget) -> {
            throw new AssertionError("nothing ticked while paused");
        }, of -> Optional.empty(), (from, to) -> {
                    audited.add(from + " " + to);
                    return 1;
                }, CLOCK, DATABASE.dataSource(), Settings.DEFAULTS.withPausedAfterRestore(true));
        long last = NOW.minus(Duration.ofHours(2)).toEpochMilli();

        assertThat(paused.runOnce(last, org.vpsrecovery.application.job.RunBudget.UNBOUNDED)).isEqualTo(last);
        assertThat(paused.runOnce(-1L, org.vpsrecovery.application.job.RunBudget.UNBOUNDED)).isEqualTo(-1L);

        assertThat(audited).as("the window since the last end; none before the first").containsExactly(
                Instant.ofEpochMilli(last) + " " + NOW);
    }

    /**
     * A database restored while a tick was cut short by its budget leaves a window under way in the task's row: while
     * paused, that row runs at the schedule's interval, its data kept, not again at once as a window cut short. Before,
     * it was taken for one and ran every poll, a WARN each time (session 51 review). Run by db-scheduler itself.
     */
    @Test
    void whilePausedAfterARestoreAWindowUnderWayIsKeptAndRunsAtTheIntervalNotAtOnce() throws SQLException {
        var time = new com.github.kagkarlsson.scheduler.testhelper.SettableClock();
        time.set(NOW);
        List<Instant> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        PolicyRunJobs paused = new PolicyRunJobs((from, to, after, budget) -> {
            asked.add(from);
            return new RunPoliciesService.Ticked(List.of(), Optional.empty());
        }, of -> Optional.empty(), PutOffRuns.NONE, new SuppliedClock(time::now), DATABASE.dataSource(),
                Settings.DEFAULTS.withPausedAfterRestore(true));
        PolicyRunJobs.WindowUnderWay underWay = PolicyRunJobs.WindowUnderWay.of(NOW.minusSeconds(60), NOW.minusSeconds(30),
                new RunPoliciesService.PairReached(new TeamId("blue"), NOW.minus(Duration.ofDays(1)), PolicyId.random(),
                        new ServerId(12345)));
        var task = paused.task();
        var scheduler = com.github.kagkarlsson.scheduler.testhelper.TestHelper
                .createManualScheduler(DATABASE.dataSource(), task, paused.retryTask()).clock(time).start();
        try {
            scheduler.schedule(task.instance(com.github.kagkarlsson.scheduler.task.helper.RecurringTask.INSTANCE,
                    (java.io.Serializable) underWay), NOW);

            scheduler.runAnyDueExecutions();

            assertThat(asked).as("nothing ticked while paused").isEmpty();
            assertThat(policyRunsDue()).as("at the interval, not at once").containsExactly(NOW.plusSeconds(30));
            assertThat(scheduler.getScheduledExecution(task.instance(
                    com.github.kagkarlsson.scheduler.task.helper.RecurringTask.INSTANCE)))
                    .hasValueSatisfying(row -> assertThat(row.getData()).isEqualTo(underWay));
        } finally {
            scheduler.stop();
        }
    }

    /** A run's budget is counted on the monotonic ticker: the host's clock stepped back does not stretch it. */
    @Test
    void aRunsBudgetIsSpentOnTimeWhenTheHostsClockStepsBack() {
        var time = new com.github.kagkarlsson.scheduler.testhelper.SettableClock();
        time.set(NOW);
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> new RunPoliciesService.Ticked(List.of(),
                Optional.empty()), of -> Optional.empty(), PutOffRuns.NONE, new SuppliedClock(time::now),
                DATABASE.dataSource(), Settings.DEFAULTS.withRunBudget(Duration.ofMillis(1)));
        org.vpsrecovery.application.job.RunBudget budget = jobs.budgetFromNow();
        time.set(NOW.minus(Duration.ofHours(1)));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(budget::spent);
    }

    /**
     * A run whose create got no answer (a 5xx is outcome unknown, ADR 0010) is tried again once the tracker had the
     * settle period to establish it: before, it was never retried, and a 503 at 03:00 lost the night's point.
     */
    @Test
    void anUnresolvedRunIsRetriedAfterTheSettlePeriod() throws SQLException {
        jobs(3, RunPoliciesService.RunResult.UNRESOLVED).tick(NOW.minusSeconds(30), NOW);

        assertThat(retriesDue()).containsExactly(NOW.plus(Duration.ofMinutes(6)));
    }

    /**
     * A run a restore's hold put off is looked at again when the hold ends, not after {@code retry-first}: before, its
     * retries at 1, 2 and 4 minutes all fell inside a 15- or 60-minute hold, and the cron time had no point. Not a
     * failure, so scheduled even with no failure retries; a missed run (held past its next cron time) gets none (ADR
     * 0028, amended in session 50).
     */
    @Test
    void aRunPutOffByARestoresHoldIsLookedAtAgainWhenTheHoldEndsAndAMissedOneNever() throws SQLException {
        Instant holdEnds = NOW.plus(Duration.ofMinutes(14));
        for (int attempts : new int[] {3, 0}) {
            noTaskScheduledYet();
            new PolicyRunJobs((from, to, after, budget) -> new RunPoliciesService.Ticked(List.of(
                    new RunPoliciesService.Run(new TeamId("blue"), PolicyId.random(), new ServerId(12345),
                            Instant.parse("2026-11-24T02:00:00Z"), RunPoliciesService.RunResult.PUT_OFF, List.of(),
                            Optional.of(holdEnds))), Optional.empty()),
                    of -> Optional.empty(), PutOffRuns.NONE, CLOCK, DATABASE.dataSource(),
                    Settings.DEFAULTS.withRetryAttempts(attempts)).tick(NOW.minusSeconds(30), NOW);

            assertThat(retriesDue()).as("retry-attempts %d", attempts).containsExactly(holdEnds);
        }

        noTaskScheduledYet();
        jobs(3, RunPoliciesService.RunResult.MISSED).tick(NOW.minusSeconds(30), NOW);
        assertThat(retriesScheduled()).isZero();
    }

    /**
     * A failure retry that finds the run put off by a restore's hold moves its row to the hold's end, spending no
     * attempt: the one failure retry left after it still runs once the hold has ended. Run by db-scheduler itself.
     */
    @Test
    void aRetryThatFindsTheRunPutOffWaitsForTheHoldsEndWithoutSpendingAnAttempt() throws SQLException {
        var time = new com.github.kagkarlsson.scheduler.testhelper.SettableClock();
        time.set(NOW);
        Instant holdEnds = NOW.plus(Duration.ofMinutes(30));
        java.util.Deque<RunPoliciesService.RunResult> answers = new java.util.ArrayDeque<>(List.of(
                RunPoliciesService.RunResult.PUT_OFF, RunPoliciesService.RunResult.FAILED,
                RunPoliciesService.RunResult.MADE));
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> new RunPoliciesService.Ticked(List.of(
                new RunPoliciesService.Run(new TeamId("blue"), PolicyId.random(), new ServerId(12345),
                        Instant.parse("2026-11-24T02:00:00Z"), RunPoliciesService.RunResult.FAILED, List.of())),
                Optional.empty()),
                of -> {
                    RunPoliciesService.RunResult next = answers.removeFirst();
                    return Optional.of(new RunPoliciesService.Run(of.team(), of.policy(), of.server(), of.scheduledFor(),
                            next, List.of(), next == RunPoliciesService.RunResult.PUT_OFF ? Optional.of(holdEnds)
                            : Optional.empty()));
                }, PutOffRuns.NONE, new SuppliedClock(time::now), DATABASE.dataSource(),
                        Settings.DEFAULTS.withRetryAttempts(2));
        var scheduler = com.github.kagkarlsson.scheduler.testhelper.TestHelper
                .createManualScheduler(DATABASE.dataSource(), jobs.retryTask()).clock(time).start();
        try {
            jobs.tick(NOW.minusSeconds(30), NOW);
            scheduler.setTime(NOW.plus(Duration.ofMinutes(1)));
            scheduler.runAnyDueExecutions();
            assertThat(retriesDue()).as("put off: at the hold's end").containsExactly(holdEnds);

            scheduler.setTime(holdEnds);
            scheduler.runAnyDueExecutions();
            assertThat(retriesDue()).as("failed after the hold: its one failure retry still to come").hasSize(1);

            scheduler.setTime(holdEnds.plus(Duration.ofMinutes(10)));
            scheduler.runAnyDueExecutions();
            assertThat(answers).isEmpty();
            assertThat(retriesDue()).as("made: done").isEmpty();
        } finally {
            scheduler.stop();
        }
    }

    /**
     * A run VPS.org answered 429 with a Retry-After of 10 minutes is looked at again after it, not at {@code retry-first}:
     * before, its retries at 1, 2 and 4 minutes were each held back unsent by the client's hold, and the run given up
     * with the day's point. A retry held back again (the wait left) moves its row again without spending an attempt: the
     * one failure retry (retry-attempts 1) is still there for the try that reaches VPS.org (ADR 0028, amended in session
     * 51). Run by db-scheduler itself.
     */
    @Test
    void aRunVpsOrgRateLimitedIsLookedAtAgainAfterItsRetryAfterWithoutSpendingAnAttempt() throws SQLException {
        var time = new com.github.kagkarlsson.scheduler.testhelper.SettableClock();
        time.set(NOW);
        java.util.Deque<Optional<Duration>> answers = new java.util.ArrayDeque<>(List.of(
                Optional.of(Duration.ofMinutes(5)), Optional.empty()));
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> new RunPoliciesService.Ticked(List.of(
                new RunPoliciesService.Run(new TeamId("blue"), PolicyId.random(), new ServerId(12345),
                        Instant.parse("2026-11-24T02:00:00Z"), RunPoliciesService.RunResult.FAILED, List.of(),
                        Optional.empty(), Optional.of(Duration.ofMinutes(10)))), Optional.empty()),
                of -> {
                    Optional<Duration> heldBack = answers.removeFirst();
                    return Optional.of(new RunPoliciesService.Run(of.team(), of.policy(), of.server(), of.scheduledFor(),
                            heldBack.isPresent() ? RunPoliciesService.RunResult.FAILED : RunPoliciesService.RunResult.MADE,
                            List.of(), Optional.empty(), heldBack));
                }, PutOffRuns.NONE, new SuppliedClock(time::now), DATABASE.dataSource(),
                        Settings.DEFAULTS.withRetryAttempts(2));
        var scheduler = com.github.kagkarlsson.scheduler.testhelper.TestHelper
                .createManualScheduler(DATABASE.dataSource(), jobs.retryTask()).clock(time).start();
        try {
            jobs.tick(NOW.minusSeconds(30), NOW);
            assertThat(retriesDue()).as("after VPS.org's Retry-After").containsExactly(NOW.plus(Duration.ofMinutes(10)));

            scheduler.setTime(NOW.plus(Duration.ofMinutes(10)));
            scheduler.runAnyDueExecutions();
            assertThat(retriesDue()).as("held back again: after the wait left (longer than the backoff's minute)")
                    .containsExactly(NOW.plus(Duration.ofMinutes(15)));

            scheduler.setTime(NOW.plus(Duration.ofMinutes(15)));
            scheduler.runAnyDueExecutions();
            assertThat(answers).isEmpty();
            assertThat(retriesDue()).as("made: done").isEmpty();
        } finally {
            scheduler.stop();
        }
    }

    /**
     * A retry answered 429 again and again spends its attempts as any failure does: given up after them, not moved
     * about every minute until the next cron time, each try audited FAILED (own-merge review of session 51).
     */
    @Test
    void retriesAnswered429SpendTheirAttemptsAndAreGivenUp() throws SQLException {
        var time = new com.github.kagkarlsson.scheduler.testhelper.SettableClock();
        time.set(NOW);
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> new RunPoliciesService.Ticked(List.of(
                new RunPoliciesService.Run(new TeamId("blue"), PolicyId.random(), new ServerId(12345),
                        Instant.parse("2026-11-24T02:00:00Z"), RunPoliciesService.RunResult.FAILED, List.of(),
                        Optional.empty(), Optional.of(Duration.ofSeconds(30)))), Optional.empty()),
                of -> {
                    tries.incrementAndGet();
                    return Optional.of(new RunPoliciesService.Run(of.team(), of.policy(), of.server(), of.scheduledFor(),
                            RunPoliciesService.RunResult.FAILED, List.of(), Optional.empty(),
                            Optional.of(Duration.ofSeconds(30))));
                }, PutOffRuns.NONE, new SuppliedClock(time::now), DATABASE.dataSource(),
                        Settings.DEFAULTS.withRetryAttempts(2));
        var scheduler = com.github.kagkarlsson.scheduler.testhelper.TestHelper
                .createManualScheduler(DATABASE.dataSource(), jobs.retryTask()).clock(time).start();
        try {
            jobs.tick(NOW.minusSeconds(30), NOW);
            for (int minute = 1; minute <= 30; minute++) {
                scheduler.setTime(NOW.plus(Duration.ofMinutes(minute)));
                scheduler.runAnyDueExecutions();
            }
            assertThat(tries).as("two retries, as vpsr.policies.retry-attempts says").hasValue(2);
            assertThat(retriesDue()).as("given up").isEmpty();
        } finally {
            scheduler.stop();
        }
    }

    @Test
    void retryAttemptsZeroSchedulesNoRetryOfAFailedRunAndOneSchedulesIt() throws SQLException {
        jobs(0).tick(NOW.minusSeconds(30), NOW);
        assertThat(retriesScheduled()).isZero();

        jobs(1).tick(NOW.minusSeconds(30), NOW);
        assertThat(retriesScheduled()).isOne();
    }

    /**
     * A retry that finds the run's lost create still open (the tracker had not ended it: VPS.org out longer than the
     * settle period) must not end the retry: before, its row was removed, and when the tracker later ended the create not
     * made, nobody ran it. Now the row is moved {@code retry-first} later; a retry whose create got no answer again is
     * moved past the settle period; one that made its point is removed. Run by db-scheduler itself on PostgreSQL.
     */
    @Test
    void aRetryThatFindsTheRunsCreateStillOpenIsLookedAtAgainNotGivenUp() throws SQLException {
        var time = new com.github.kagkarlsson.scheduler.testhelper.SettableClock();
        time.set(NOW);
        java.util.Deque<RunPoliciesService.RunResult> answers = new java.util.ArrayDeque<>(List.of(
                RunPoliciesService.RunResult.NOT_SETTLED, RunPoliciesService.RunResult.UNRESOLVED,
                RunPoliciesService.RunResult.MADE));
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> new RunPoliciesService.Ticked(List.of(
                new RunPoliciesService.Run(new TeamId("blue"), PolicyId.random(), new ServerId(12345),
                        Instant.parse("2026-11-24T02:00:00Z"), RunPoliciesService.RunResult.UNRESOLVED, List.of())),
                Optional.empty()),
                of -> Optional.of(new RunPoliciesService.Run(of.team(), of.policy(), of.server(), of.scheduledFor(),
                        answers.removeFirst(), List.of())), PutOffRuns.NONE, new SuppliedClock(time::now),
                        DATABASE.dataSource(), Settings.DEFAULTS);
        var scheduler = com.github.kagkarlsson.scheduler.testhelper.TestHelper
                .createManualScheduler(DATABASE.dataSource(), jobs.retryTask()).clock(time).start();
        try {
            jobs.tick(NOW.minusSeconds(30), NOW);
            assertThat(retriesDue()).containsExactly(NOW.plus(Duration.ofMinutes(6)));

            scheduler.setTime(NOW.plus(Duration.ofMinutes(6)));
            scheduler.runAnyDueExecutions();
            assertThat(answers).hasSize(2);
            assertThat(retriesDue()).as("still open: looked at again").containsExactly(NOW.plus(Duration.ofMinutes(7)));

            scheduler.setTime(NOW.plus(Duration.ofMinutes(7)));
            scheduler.runAnyDueExecutions();
            assertThat(retriesDue()).as("no answer again: after the settle period")
                    .containsExactly(NOW.plus(Duration.ofMinutes(13)));

            scheduler.setTime(NOW.plus(Duration.ofMinutes(13)));
            scheduler.runAnyDueExecutions();
            assertThat(answers).isEmpty();
            assertThat(retriesDue()).as("made: done").isEmpty();
        } finally {
            scheduler.stop();
        }
    }

    private static List<Instant> policyRunsDue() throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement due = connection.prepareStatement(
                     "SELECT execution_time FROM scheduled_tasks WHERE task_name = ?")) {
            due.setString(1, PolicyRunJobs.POLICY_RUNS);
            try (ResultSet rs = due.executeQuery()) {
                List<Instant> times = new java.util.ArrayList<>();
                while (rs.next()) {
                    times.add(rs.getTimestamp(1).toInstant());
                }
                return times;
            }
        }
    }

    /** What a tick was asked: its window and the pair to start after. */
    private record Asked(Instant from, Instant to, Optional<RunPoliciesService.PairReached> after) {
    }

    /**
     * A window whose tick its run's budget cut short (ADR 0028, amended in session 46): the pair it reached is kept in
     * db-scheduler's row (Java-serialized, on PostgreSQL), and the rest of the window is ticked at once from the pair
     * after it, not one interval later; only then does the next window begin, one interval after, from the window's end.
     * Run by db-scheduler itself.
     */
    @Test
    void aWindowCutShortByItsBudgetIsTickedOnAtOnceAfterThePairItReachedAndTheNextWindowFollowsIt() throws SQLException {
        var time = new com.github.kagkarlsson.scheduler.testhelper.SettableClock();
        time.set(NOW);
        RunPoliciesService.PairReached reached = new RunPoliciesService.PairReached(new TeamId("blue"),
                NOW.minus(Duration.ofDays(1)), PolicyId.random(), new ServerId(12345));
        List<Asked> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> {
            asked.add(new Asked(from, to, after));
            return new RunPoliciesService.Ticked(List.of(), asked.size() == 1 ? Optional.of(reached) : Optional.empty());
        }, of -> Optional.empty(), PutOffRuns.NONE, new SuppliedClock(time::now), DATABASE.dataSource(),
                Settings.DEFAULTS);
        var task = jobs.task();
        var scheduler = com.github.kagkarlsson.scheduler.testhelper.TestHelper
                .createManualScheduler(DATABASE.dataSource(), task, jobs.retryTask()).clock(time).start();
        try {
            scheduler.schedule(task.instance(com.github.kagkarlsson.scheduler.task.helper.RecurringTask.INSTANCE, -1L), NOW);

            scheduler.runAnyDueExecutions();
            scheduler.runAnyDueExecutions(); // the clock has not moved: only what is due now runs

            Instant windowStart = NOW.minusSeconds(30);
            assertThat(asked).containsExactly(new Asked(windowStart, NOW, Optional.empty()),
                    new Asked(windowStart, NOW, Optional.of(reached)));
            assertThat(policyRunsDue()).containsExactly(NOW.plusSeconds(30));

            scheduler.setTime(NOW.plusSeconds(30));
            scheduler.runAnyDueExecutions();

            assertThat(asked).hasSize(3).last().isEqualTo(new Asked(NOW, NOW.plusSeconds(30), Optional.empty()));
        } finally {
            scheduler.stop();
        }
    }

    /**
     * A tick VPS.org ended with a 429 is not one its budget cut short: the rest of its window is ticked from the pair it
     * reached, but no sooner than VPS.org's Retry-After (here longer than the interval, within {@code vpsorg.max-hold}).
     * Before, it went on at once (session 51).
     */
    @Test
    void aWindowVpsOrgThrottledIsTickedOnAfterTheRetryAfterNotAtOnce() throws SQLException {
        var time = new com.github.kagkarlsson.scheduler.testhelper.SettableClock();
        time.set(NOW);
        RunPoliciesService.PairReached reached = new RunPoliciesService.PairReached(new TeamId("blue"),
                NOW.minus(Duration.ofDays(1)), PolicyId.random(), new ServerId(12345));
        Duration retryAfter = Duration.ofMinutes(2);
        List<Asked> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> {
            asked.add(new Asked(from, to, after));
            return asked.size() == 1 ? new RunPoliciesService.Ticked(List.of(), Optional.of(reached), Optional.of(retryAfter))
                    : new RunPoliciesService.Ticked(List.of(), Optional.empty());
        }, of -> Optional.empty(), PutOffRuns.NONE, new SuppliedClock(time::now), DATABASE.dataSource(),
                Settings.DEFAULTS.withMaxHold(Duration.ofMinutes(5)));
        var task = jobs.task();
        var scheduler = com.github.kagkarlsson.scheduler.testhelper.TestHelper
                .createManualScheduler(DATABASE.dataSource(), task, jobs.retryTask()).clock(time).start();
        try {
            scheduler.schedule(task.instance(com.github.kagkarlsson.scheduler.task.helper.RecurringTask.INSTANCE, -1L), NOW);

            scheduler.runAnyDueExecutions();
            scheduler.runAnyDueExecutions();

            Instant windowStart = NOW.minusSeconds(30);
            assertThat(asked).containsExactly(new Asked(windowStart, NOW, Optional.empty()));
            assertThat(policyRunsDue()).containsExactly(NOW.plus(retryAfter));

            scheduler.setTime(NOW.plus(retryAfter));
            scheduler.runAnyDueExecutions();

            assertThat(asked).hasSize(2).last().isEqualTo(new Asked(windowStart, NOW, Optional.of(reached)));
        } finally {
            scheduler.stop();
        }
    }

    /**
     * A 429 asking for an hour puts the rest of the window off by {@code vpsorg.max-hold} only, said at WARN, so a 429
     * that lasts is heard again then: one bogus 429 stopped the policy runs cluster-wide for the hour before (ADR 0010,
     * amended in session 52).
     */
    @Test
    void aWindowVpsOrgThrottledForLongerThanTheMaxHoldIsTickedOnAfterTheMaxHold() throws SQLException {
        var time = new com.github.kagkarlsson.scheduler.testhelper.SettableClock();
        time.set(NOW);
        RunPoliciesService.PairReached reached = new RunPoliciesService.PairReached(new TeamId("blue"),
                NOW.minus(Duration.ofDays(1)), PolicyId.random(), new ServerId(12345));
        Duration maxHold = Duration.ofSeconds(60);
        List<Asked> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> {
            asked.add(new Asked(from, to, after));
            return asked.size() == 1
                    ? new RunPoliciesService.Ticked(List.of(), Optional.of(reached), Optional.of(Duration.ofHours(1)))
                    : new RunPoliciesService.Ticked(List.of(), Optional.empty());
        }, of -> Optional.empty(), PutOffRuns.NONE, new SuppliedClock(time::now), DATABASE.dataSource(),
                Settings.DEFAULTS.withMaxHold(maxHold));
        var task = jobs.task();
        var scheduler = com.github.kagkarlsson.scheduler.testhelper.TestHelper
                .createManualScheduler(DATABASE.dataSource(), task, jobs.retryTask()).clock(time).start();
        try {
            scheduler.schedule(task.instance(com.github.kagkarlsson.scheduler.task.helper.RecurringTask.INSTANCE, -1L), NOW);

            List<String> warned = LoggedWarnings.of(BudgetedRecurringTask.class, scheduler::runAnyDueExecutions);

            Instant windowStart = NOW.minusSeconds(30);
            assertThat(asked).containsExactly(new Asked(windowStart, NOW, Optional.empty()));
            assertThat(policyRunsDue()).as("VPS.org's hour capped by vpsorg.max-hold").containsExactly(NOW.plus(maxHold));
            assertThat(warned).singleElement().asString().contains(PolicyRunJobs.POLICY_RUNS, "wait 3600 s",
                    "vpsorg.max-hold (60 s)");

            scheduler.setTime(NOW.plus(maxHold));
            scheduler.runAnyDueExecutions();

            assertThat(asked).hasSize(2).last().isEqualTo(new Asked(windowStart, NOW, Optional.of(reached)));
        } finally {
            scheduler.stop();
        }
    }

    @Test
    void aWindowsLineCountsItsRunsAndNamesOnlyTheNotMadeAtMostTwenty() {
        Instant at = Instant.parse("2026-11-24T02:00:00Z");
        List<RunPoliciesService.Run> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            runs.add(new RunPoliciesService.Run(new TeamId("blue"), PolicyId.random(), new ServerId(10_000 + i), at,
                    i < 25 ? RunPoliciesService.RunResult.FAILED : i < 30 ? RunPoliciesService.RunResult.MISSED
                            : RunPoliciesService.RunResult.MADE, List.of()));
        }

        String line = PolicyRunJobs.runsLine(at.minusSeconds(30), at, runs);

        assertThat(line).startsWith("policy runs in (2026-11-24T01:59:30Z, 2026-11-24T02:00:00Z]: 1000 run(s), "
                + "made 970, failed 25, missed 5; not made: policy ");
        assertThat(line).contains("on server 10000 of team blue at 2026-11-24T02:00:00Z failed")
                .contains("on server 10019 ").doesNotContain("on server 10020 ").doesNotContain("on server 10030 ")
                .endsWith(" and 10 more").hasSizeLessThan(4_000);
    }

    /**
     * A day's outage with per-minute policies missed thousands of runs, each a WARN of its own. Now 1,000 missed runs of
     * two policies over 20 minutes are four lines: each policy's first said whole, then one per policy per 10 minutes
     * naming the runs missed since (ADR 0025, amended in session 54). Each run is still in the window's line (and
     * audited by the service, which this does not change).
     */
    @Test
    void missedRunsAreOneLinePerPolicyPerTenMinutesNamingTheCountMissedSince() throws SQLException {
        PolicyId first = PolicyId.random();
        PolicyId second = PolicyId.random();
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(-7_000_000_000L);
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> {
            List<RunPoliciesService.Run> missed = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                missed.add(new RunPoliciesService.Run(new TeamId("blue"), i % 2 == 0 ? first : second,
                        new ServerId(10_000 + i), from, RunPoliciesService.RunResult.MISSED, List.of()));
            }
            return new RunPoliciesService.Ticked(missed, Optional.empty());
        }, of -> Optional.empty(), PutOffRuns.NONE, CLOCK, DATABASE.dataSource(), Settings.DEFAULTS, nanos::get);

        List<String> said = policyRunJobsWarnings(() -> {
            for (int minute = 0; minute < 20; minute++) { // 20 ticks of 50 missed runs: 1,000
                jobs.tick(NOW.plus(Duration.ofMinutes(minute)), NOW.plus(Duration.ofMinutes(minute + 1)));
                nanos.addAndGet(Duration.ofMinutes(1).toNanos());
            }
        });

        assertThat(said).hasSize(4).allSatisfy(line -> assertThat(line).contains(" is missed: ",
                "at most one line per policy per 10 min"));
        assertThat(said).filteredOn(line -> line.startsWith("policy " + first.value() + " ")).hasSize(2)
                .satisfies(lines -> {
                    assertThat(lines.get(0)).contains("; 0 more missed run(s) of this policy since its last line");
                    // 24 more in its first tick, then 25 in each of the nine after it.
                    assertThat(lines.get(1)).contains("; 249 more missed run(s) of this policy since its last line");
                });
        assertThat(retriesScheduled()).as("a missed run is not retried").isZero();
    }

    /**
     * 1,000 missed runs of two policies, then none: once quiet for 10 minutes, a line per policy says the misses held
     * back since its last line (session 55: before, the last window's 249 were in no line).
     */
    @Test
    void missedRunsThenSilenceEndWithALineNamingTheLastWindowsCount() {
        PolicyId first = PolicyId.random();
        PolicyId second = PolicyId.random();
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(-7_000_000_000L);
        java.util.concurrent.atomic.AtomicBoolean missing = new java.util.concurrent.atomic.AtomicBoolean(true);
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> {
            List<RunPoliciesService.Run> missed = new java.util.ArrayList<>();
            for (int i = 0; missing.get() && i < 50; i++) {
                missed.add(new RunPoliciesService.Run(new TeamId("blue"), i % 2 == 0 ? first : second,
                        new ServerId(10_000 + i), from, RunPoliciesService.RunResult.MISSED, List.of()));
            }
            return new RunPoliciesService.Ticked(missed, Optional.empty());
        }, of -> Optional.empty(), PutOffRuns.NONE, CLOCK, DATABASE.dataSource(), Settings.DEFAULTS, nanos::get);

        List<String> said = new java.util.ArrayList<>();
        said.addAll(policyRunJobsWarnings(() -> {
            for (int minute = 0; minute < 20; minute++) { // 20 ticks of 50 missed runs: 1,000
                jobs.tick(NOW.plus(Duration.ofMinutes(minute)), NOW.plus(Duration.ofMinutes(minute + 1)));
                nanos.addAndGet(Duration.ofMinutes(1).toNanos());
            }
        }));
        missing.set(false);
        List<String> quiet = policyRunJobsWarnings(() -> {
            for (int minute = 20; minute < 29; minute++) { // the last misses at minute 19: quiet for 9 minutes
                jobs.tick(NOW.plus(Duration.ofMinutes(minute)), NOW.plus(Duration.ofMinutes(minute + 1)));
                nanos.addAndGet(Duration.ofMinutes(1).toNanos());
            }
        });
        assertThat(quiet).as("not yet quiet for 10 minutes").isEmpty();
        List<String> ended = policyRunJobsWarnings(() -> {
            for (int minute = 29; minute < 40; minute++) {
                jobs.tick(NOW.plus(Duration.ofMinutes(minute)), NOW.plus(Duration.ofMinutes(minute + 1)));
                nanos.addAndGet(Duration.ofMinutes(1).toNanos());
            }
        });

        assertThat(said).hasSize(4);
        // 24 more in the tick of its line at minute 10, then 25 in each of the nine after it: 249 in no line before.
        assertThat(ended).containsExactlyInAnyOrder(
                "policy " + first.value() + ": 249 more missed run(s) of this policy since its last line, and none "
                        + "missed since for 10 min (each audited)",
                "policy " + second.value() + ": 249 more missed run(s) of this policy since its last line, and none "
                        + "missed since for 10 min (each audited)");
    }

    /**
     * Runs of more policies missed than the 1,000 whose line is remembered: the others share one line an interval, and
     * its count held back is said once they stop (session 55: its words and count pinned by no test before).
     */
    @Test
    void missedRunsOfPoliciesPastTheOnesRememberedShareOneLineAndItsCountEnds() {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean missing = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<PolicyId> policies = java.util.stream.Stream.generate(PolicyId::random).limit(1_500).toList();
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> new RunPoliciesService.Ticked(
                !missing.get() ? List.of() : policies.stream().map(policy -> new RunPoliciesService.Run(new TeamId("blue"),
                        policy, new ServerId(10_000), from, RunPoliciesService.RunResult.MISSED, List.of())).toList(),
                Optional.empty()), of -> Optional.empty(), PutOffRuns.NONE, CLOCK, DATABASE.dataSource(),
                Settings.DEFAULTS, nanos::get);

        List<String> said = policyRunJobsWarnings(() -> {
            jobs.tick(NOW, NOW.plus(Duration.ofMinutes(1))); // 1,500 policies' runs missed
            nanos.addAndGet(Duration.ofMinutes(1).toNanos());
            missing.set(false);
            for (int minute = 1; minute <= 11; minute++) {
                jobs.tick(NOW.plus(Duration.ofMinutes(minute)), NOW.plus(Duration.ofMinutes(minute + 1)));
                nanos.addAndGet(Duration.ofMinutes(1).toNanos());
            }
        });

        assertThat(said).filteredOn(line -> line.contains(" is missed: ")).hasSize(1_000);
        assertThat(said).filteredOn(line -> line.startsWith("runs of more policies")).containsExactly(
                "runs of more policies than the 1000 whose missed-run line is remembered were missed: 1 missed run(s) of "
                        + "other policies since the last such line, each audited (at most one such line per 10 min)",
                "runs of more policies than the 1000 whose missed-run line is remembered were missed: 499 missed run(s) "
                        + "of other policies since the last such line, each audited (at most one such line per 10 min)");
        assertThat(said).as("the 1,000 with a line held nothing back: no closing line of theirs").hasSize(1_002);
    }

    /**
     * A miss exactly 10 minutes after the last one held back: its own line says the count, and the sweep, asked after the
     * run's own lines, finds nothing left (asked before them, it said the count and the run's line then said 0 more).
     */
    @Test
    void aMissExactlyAnIntervalAfterTheLastHeldBackIsOneLineSayingTheCount() {
        PolicyId policy = PolicyId.random();
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> new RunPoliciesService.Ticked(List.of(
                new RunPoliciesService.Run(new TeamId("blue"), policy, new ServerId(10_000), from,
                        RunPoliciesService.RunResult.MISSED, List.of())), Optional.empty()),
                of -> Optional.empty(), PutOffRuns.NONE, CLOCK, DATABASE.dataSource(), Settings.DEFAULTS, nanos::get);

        List<String> first = policyRunJobsWarnings(() -> {
            jobs.runOnce(-1L, RunBudget.UNBOUNDED); // said
            nanos.addAndGet(Duration.ofMinutes(1).toNanos());
            jobs.runOnce(-1L, RunBudget.UNBOUNDED); // held back, at minute 1
        });
        assertThat(first).hasSize(1);
        nanos.addAndGet(PolicyRunJobs.LINE_EVERY.toNanos());
        List<String> atTheInterval = policyRunJobsWarnings(() -> jobs.runOnce(-1L, RunBudget.UNBOUNDED));

        assertThat(atTheInterval).singleElement().asString().contains(" is missed: ")
                .contains("; 1 more missed run(s) of this policy since its last line");
    }

    /** A stopping instance says the counts it held back, whatever their interval (session 55: before, in no line). */
    @Test
    void aStopSaysTheMissedRunsHeldBackSinceTheLastLine() {
        PolicyId policy = PolicyId.random();
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> new RunPoliciesService.Ticked(List.of(
                new RunPoliciesService.Run(new TeamId("blue"), policy, new ServerId(10_000), from,
                        RunPoliciesService.RunResult.MISSED, List.of())), Optional.empty()),
                of -> Optional.empty(), PutOffRuns.NONE, CLOCK, DATABASE.dataSource(), Settings.DEFAULTS, nanos::get);
        List<String> said = policyRunJobsWarnings(() -> {
            for (int minute = 0; minute < 3; minute++) {
                jobs.runOnce(-1L, RunBudget.UNBOUNDED);
                nanos.addAndGet(Duration.ofMinutes(1).toNanos());
            }
        });
        assertThat(said).hasSize(1);

        assertThat(policyRunJobsWarnings(jobs::sayHeldLinesAtStop)).containsExactly("policy " + policy.value() + ": 2 "
                + "more missed run(s) of this policy since its last line, said as this instance stops (each audited)");
        assertThat(policyRunJobsWarnings(jobs::sayHeldLinesAtStop)).as("said once").isEmpty();
    }

    /** While paused, each kept retry put off a minute at a time said so at each look: now a line per 10 minutes. */
    @Test
    void retriesPutOffWhilePausedAreOneLineEveryTenMinutesWithTheCount() {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        PolicyRunJobs paused = new PolicyRunJobs((from, to, after, budget) -> new RunPoliciesService.Ticked(List.of(),
                Optional.empty()), of -> {
            throw new AssertionError("no retry runs while paused");
        }, PutOffRuns.NONE, CLOCK, DATABASE.dataSource(), Settings.DEFAULTS.withPausedAfterRestore(true), nanos::get);

        List<String> said = policyRunJobsWarnings(() -> {
            for (int look = 0; look < 1000; look++) { // 50 retries looked at once a minute for 20 minutes
                paused.retryOnce(new PolicyRunJobs.RetryOf(new TeamId("blue"), PolicyId.random(),
                        new ServerId(10_000 + look % 50), NOW.minusSeconds(90)).id());
                if (look % 50 == 49) {
                    nanos.addAndGet(Duration.ofMinutes(1).toNanos());
                }
            }
        });

        assertThat(said).hasSize(2);
        assertThat(said.get(1)).contains("put off: vpsr.paused-after-restore is on; 499 more retry(ies) put off since "
                + "the last line (at most one line per 10 min)");

        // The retries stop (their next cron times passed): once quiet for 10 minutes, the task's next run says the rest.
        nanos.addAndGet(Duration.ofMinutes(8).toNanos()); // the last put off at minute 19: quiet for 9 minutes
        assertThat(policyRunJobsWarnings(() -> paused.runOnce(-1L, RunBudget.UNBOUNDED)))
                .noneMatch(line -> line.contains("retry(ies)"));
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(policyRunJobsWarnings(() -> paused.runOnce(-1L, RunBudget.UNBOUNDED))).contains("policy run "
                + "retry(ies) put off while vpsr.paused-after-restore is on: 499 more since the last line, and none since "
                + "for 10 min");
    }

    private static List<String> policyRunJobsWarnings(Runnable action) {
        return LoggedWarnings.of(PolicyRunJobs.class, action);
    }
}
