package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.ScheduledExecution;
import com.github.kagkarlsson.scheduler.ScheduledExecutionsFilter;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.http.provider.VpsOrgClient;
import org.vpsrecovery.adapters.http.provider.VpsOrgSettings;
import org.vpsrecovery.adapters.persistence.PostgresAdapterFactory;
import org.vpsrecovery.application.failure.AtMostEvery;
import org.vpsrecovery.application.job.RunBudget;
import org.vpsrecovery.application.policy.RunPoliciesService;
import org.vpsrecovery.application.policy.RunPoliciesService.PairReached;
import org.vpsrecovery.application.policy.RunPoliciesService.Ticked;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The policies' scheduled runs as one db-scheduler recurring task, {@value #POLICY_RUNS}, run once across
 * every instance (ADR 0028). Its task data in db-scheduler's table is the end of the last window it
 * covered (epoch milliseconds), so a restart, another instance or a run after downtime starts where the
 * last one ended: a pair whose cron times were all missed runs once. Policies are read anew each tick, so
 * a change or a deletion takes effect for the next run without rescheduling anything.
 *
 * <p>A tick takes no further (policy, server) pair once {@code vpsr.jobs.run-budget} is spent (a slow VPS.org: a create
 * per due pair), as tracking, reconciliation and the drift scan do (ADR 0024, amended in session 45). Its task data is
 * then the window and the last pair reached ({@link WindowUnderWay}), and it runs again at once, behind the jobs already
 * due, for the pairs after it in the same window; the next window starts only when that one is done (ADR 0028, amended in
 * session 46).
 *
 * <p>A run that failed without happening is tried again by a one-time task, {@value #POLICY_RUN_RETRY},
 * one instance per (policy, server, cron time), on db-scheduler's failure handlers as webhook deliveries
 * are: after {@code retry-first}, doubling, at most {@code retry-attempts} times, and never once the
 * pair's next cron time has come (ADR 0036). Being rows of the same table, retries survive restarts and
 * run once across instances. A retry that finds the run's earlier create still open (not settled: the tracker has not
 * ended it yet) is not a failure and not the end: its row is moved {@code retry-first} later, until the create ends
 * (then run only if not made) or the pair's next cron time comes; one whose create got no answer again is moved past
 * the settle period, as the tick's is (ADR 0036, amended in session 38). A run a restore's hold put off is not a failure
 * either: its row is due when the hold ends, spending no attempt, as long as that is before the pair's next cron time;
 * one held past it is missed, said at WARN and in its audited failure, and not retried (ADR 0028, amended in session 50).
 * So is a run whose rotation's delete a restore's hold refuses (RECOVERY_POINT_IN_USE: the point is that restore's
 * source), due when that hold ends; a hold released early brings those rows forward ({@link #holdReleased}, session 51).
 * So is a run VPS.org answered 429 naming a wait (or the client held back after one): due after that wait or
 * {@code retry-first}, whichever is longer, and missed when the wait reaches the next cron time (session 51).
 */
@Singleton
public class PolicyRunJobs {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyRunJobs.class);

    static final String POLICY_RUNS = "policy-runs";
    static final String POLICY_RUN_RETRY = "policy-run-retry";
    /** How soon a retry put off while {@value Deployment#PAUSED_AFTER_RESTORE} is on is looked at again. */
    static final Duration PAUSED_LOOK_AGAIN = Duration.ofMinutes(1);
    /**
     * A missed run's WARN, and a put-off one's while paused, is said at most once per this per policy (per kind of
     * put-off), with the count held back: a day's outage with per-minute policies missed thousands, each a WARN of its
     * own (ADR 0025, amended in session 54). Each is still audited as before.
     */
    static final Duration LINE_EVERY = Duration.ofMinutes(10);
    /**
     * Policies whose missed-run line is remembered (about 200 bytes each): past this, those whose interval has passed are
     * forgotten; the others share one line an interval ({@link AtMostEvery}).
     */
    private static final int POLICIES_REMEMBERED = 1000;

    private final WindowTicks ticks;
    private final RetryRun retries;
    private final Clock clock;
    private final Duration every;
    private final Duration runBudget;
    private final Duration retryFirst;
    private final Duration settleAfter;
    private final int retryAttempts;
    private final OneTimeTask<Void> retry;
    private final SchedulerClient client;
    // After the platform's database went back: policies as they were at the restore point run nothing until the
    // operator has checked them and restarted without it (ADR 0028, amended in session 51).
    private final boolean pausedAfterRestore;
    /** {@code vpsorg.max-hold}: the longest a 429's wait puts off the next tick (ADR 0010, amended in session 52). */
    private final Duration maxHold;
    private final PutOffRuns putOff;
    private final AtMostEvery<PolicyId> missedLines;
    /** While paused: the ticks' line ("runs") and the retries' ("retries"), each at most once a {@link #LINE_EVERY}. */
    private final AtMostEvery<String> pausedLines;

    @jakarta.inject.Inject
    public PolicyRunJobs(RunPoliciesService runs, Clock clock, DataSource dataSource,
                         @Value("${vpsr.policies.tick-every:30s}") Duration every,
                         @Value("${vpsr.policies.retry-first:1m}") Duration retryFirst,
                         @Value("${vpsr.policies.retry-attempts:3}") int retryAttempts,
                         @Value("${vpsr.reconcile.settle-after:5m}") Duration settleAfter,
                         @Value("${" + ClusterJobs.RUN_BUDGET + ":1m}") Duration runBudget,
                         @Value("${" + Deployment.PAUSED_AFTER_RESTORE + ":false}") boolean pausedAfterRestore,
                         VpsOrgClient vpsOrg) {
        this(runs::tick, of -> runs.retry(of.team(), of.policy(), of.server(), of.scheduledFor()),
                runs::auditPutOffWhilePaused, clock, dataSource, new Settings(every, retryFirst, retryAttempts,
                        settleAfter, runBudget, pausedAfterRestore, vpsOrg.settings().maxHold()));
    }

    /** The audit of the runs a pause puts off, as {@link RunPoliciesService#auditPutOffWhilePaused} writes it. */
    @FunctionalInterface
    interface PutOffRuns {
        /** None audited: for the tests that do not look at it. */
        PutOffRuns NONE = (from, to) -> 0;

        int audit(Instant from, Instant to);
    }

    /** A window's tick, as {@link RunPoliciesService#tick(Instant, Instant, Optional, RunBudget)} makes it. */
    @FunctionalInterface
    interface WindowTicks {
        Ticked tick(Instant from, Instant to, Optional<PairReached> after, RunBudget budget);
    }

    /** A failed run's retry, as {@link RunPoliciesService#retry} makes it. */
    @FunctionalInterface
    interface RetryRun {
        Optional<RunPoliciesService.Run> retry(RetryOf of);
    }

    /**
     * The jobs' settings, as the public constructor reads them: {@code vpsr.policies.tick-every}, {@code retry-first}
     * and {@code retry-attempts}, {@code vpsr.reconcile.settle-after}, the run budget, {@value
     * Deployment#PAUSED_AFTER_RESTORE} (no window ticked while it is on) and {@code vpsorg.max-hold} (the longest a
     * 429's wait puts off the next tick). {@link #DEFAULTS}: the shipped values, for the tests to change one at a time.
     */
    record Settings(Duration every, Duration retryFirst, int retryAttempts, Duration settleAfter, Duration runBudget,
                    boolean pausedAfterRestore, Duration maxHold) {

        static final Settings DEFAULTS = new Settings(Duration.ofSeconds(30), Duration.ofMinutes(1), 3,
                Duration.ofMinutes(5), Duration.ofMinutes(1), false, VpsOrgSettings.DEFAULT_MAX_HOLD);

        Settings withEvery(Duration every) {
            return new Settings(every, retryFirst, retryAttempts, settleAfter, runBudget, pausedAfterRestore, maxHold);
        }

        Settings withRetryAttempts(int retryAttempts) {
            return new Settings(every, retryFirst, retryAttempts, settleAfter, runBudget, pausedAfterRestore, maxHold);
        }

        Settings withRunBudget(Duration runBudget) {
            return new Settings(every, retryFirst, retryAttempts, settleAfter, runBudget, pausedAfterRestore, maxHold);
        }

        Settings withPausedAfterRestore(boolean pausedAfterRestore) {
            return new Settings(every, retryFirst, retryAttempts, settleAfter, runBudget, pausedAfterRestore, maxHold);
        }

        Settings withMaxHold(Duration maxHold) {
            return new Settings(every, retryFirst, retryAttempts, settleAfter, runBudget, pausedAfterRestore, maxHold);
        }
    }

    /** Over the runs' tick, retry and put-off audit as given: the tests choose what a tick comes to. */
    PolicyRunJobs(WindowTicks ticks, RetryRun retries, PutOffRuns putOff, Clock clock, DataSource dataSource,
                  Settings settings) {
        this(ticks, retries, putOff, clock, dataSource, settings, System::nanoTime);
    }

    /** {@code nanoTime}: the monotonic ticker the missed and put-off lines are spaced on ({@link #LINE_EVERY}). */
    PolicyRunJobs(WindowTicks ticks, RetryRun retries, PutOffRuns putOff, Clock clock, DataSource dataSource,
                  Settings settings, LongSupplier nanoTime) {
        this.missedLines = new AtMostEvery<>(LINE_EVERY, POLICIES_REMEMBERED, nanoTime, heldBack -> LOG.warn("runs of "
                + "more policies than the {} whose missed-run line is remembered were missed: {} missed run(s) of other "
                + "policies since the last such line, each audited (at most one such line per {} min)",
                POLICIES_REMEMBERED, heldBack, LINE_EVERY.toMinutes()));
        this.pausedLines = new AtMostEvery<>(LINE_EVERY, 2, nanoTime);
        int retryAttempts = settings.retryAttempts();
        this.pausedAfterRestore = settings.pausedAfterRestore();
        this.maxHold = Objects.requireNonNull(settings.maxHold(), "max hold");
        this.putOff = Objects.requireNonNull(putOff, "put off");
        if (retryAttempts < 0 || settings.retryFirst().isNegative() || settings.retryFirst().isZero()) {
            throw new StartupRefused("vpsr.policies.retry-attempts must not be negative and vpsr.policies.retry-first "
                    + "must be positive");
        }
        this.ticks = ticks;
        this.retries = retries;
        this.retryAttempts = retryAttempts;
        this.clock = clock;
        this.every = StartupRefused.unlessPositive("vpsr.policies.tick-every", settings.every());
        this.runBudget = StartupRefused.unlessPositive(ClusterJobs.RUN_BUDGET, settings.runBudget());
        this.retryFirst = settings.retryFirst();
        this.settleAfter = RecoveryServicesFactory.settleAfter(settings.settleAfter());
        this.retry = new OneTimeTask<>(POLICY_RUN_RETRY, Void.class,
                new FailureHandler.MaxRetriesFailureHandler<>(Math.max(0, retryAttempts - 1),
                        backoffHonouringVpsOrgsWait(this.retryFirst),
                        (complete, operations) -> LOG.warn("policy run {} given up after {} retries; the next cron "
                                + "time runs as usual", complete.getExecution().taskInstance.getId(), retryAttempts))) {
            @Override
            public CompletionHandler<Void> execute(TaskInstance<Void> instance, ExecutionContext context) {
                // A later look is a success rescheduled (its row moved, failures not counted), not a failure handled.
                return retryOnce(instance.getId()).<CompletionHandler<Void>>map(later -> (complete, operations) ->
                        operations.reschedule(complete, later)).orElseGet(CompletionHandler.OnCompleteRemove::new);
            }

            @Override
            public void executeOnce(TaskInstance<Void> instance, ExecutionContext context) {
                throw new UnsupportedOperationException("run through execute");
            }
        };
        this.client = SchedulerClient.Builder.create(PostgresAdapterFactory.pooled(dataSource), retry).build();
    }

    /**
     * Its data: the end of the last window done (epoch milliseconds, a {@link Long}, as rows written before session 46
     * hold it; -1 before the first), or the window a spent budget cut short ({@link WindowUnderWay}).
     */
    RecurringTask<Serializable> task() {
        FixedDelay schedule = FixedDelay.of(every);
        // A tick a stop interrupted throws (RunPoliciesService.TickStopped): db-scheduler's failure handler keeps the
        // data, so the window (or what it had left) is ticked again, on this instance or another.
        // While paused, a window under way is kept as it is, not cut short: taken for one, it ran again at once, every
        // poll, a WARN each time (session 51 review).
        return BudgetedRecurringTask.of(POLICY_RUNS, schedule, -1L,
                data -> runOnce(data, budgetFromNow()), data -> !pausedAfterRestore && data instanceof WindowUnderWay,
                maxHold);
    }

    /** One run of {@value #POLICY_RUNS} from its task data: what its task data becomes. */
    Serializable runOnce(Serializable data, RunBudget budget) {
        // After the run: a line its own events bring says their count first, so a stream going on is not said twice.
        try {
            return runOnceBeforeTheHeldBackLines(data, budget);
        } finally {
            sayHeldBackLines();
        }
    }

    private Serializable runOnceBeforeTheHeldBackLines(Serializable data, RunBudget budget) {
        if (pausedAfterRestore) {
            // Put off, not skipped: the window stays open from its last end, so once the switch is off the first tick
            // runs each (policy, server) pair's latest cron time since then, once (RunPoliciesService merges the rest).
            Instant since = data instanceof WindowUnderWay underWay ? underWay.from()
                    : data instanceof Long last && last >= 0 ? Instant.ofEpochMilli(last) : null;
            OptionalLong ticksSince = pausedLines.sayNow("runs");
            if (ticksSince.isPresent()) {
                LOG.warn("policy runs are put off: {} is on (the platform's database went back; policies are as they "
                        + "were at the restore point). The runs due since {} run once it is off ({} more tick(s) put off "
                        + "since the last line; at most one line per {} min)", Deployment.PAUSED_AFTER_RESTORE,
                        since == null ? "this start" : since, ticksSince.getAsLong(), LINE_EVERY.toMinutes());
            }
            if (since != null) {
                // Each put-off cron time audited once, refused PAUSED_AFTER_RESTORE: the history says the point was not
                // taken and why (ADR 0028, amended in session 52). The history away: said, and tried at the next tick.
                try {
                    putOff.audit(since, clock.instant());
                } catch (RuntimeException notNow) {
                    LOG.warn("the policy runs put off could not be audited now: {}; the next tick tries again",
                            notNow.toString());
                }
            }
            return data;
        }
        Ticked ticked;
        Instant from;
        Instant to;
        if (data instanceof WindowUnderWay underWay) {
            from = underWay.from();
            to = underWay.to();
            ticked = tick(from, to, Optional.of(underWay.reached()), budget);
        } else {
            // No window yet: the first tick looks back one interval, not to the beginning of time.
            Long last = (Long) data;
            to = clock.instant();
            from = last == null || last < 0 ? to.minus(every) : Instant.ofEpochMilli(last);
            if (!from.isBefore(to)) {
                // This host's clock is behind the end of the last window (stepped back, or another instance's ahead):
                // nothing to tick, and the end kept, or the cron times since it would be ticked again (ADR 0028).
                return last;
            }
            ticked = tick(from, to, Optional.empty(), budget);
        }
        Serializable next = ticked.stoppedAfter().<Serializable>map(reached -> WindowUnderWay.of(from, to, reached))
                .orElse(to.toEpochMilli());
        return ticked.throttledFor().<Serializable>map(wait -> new BudgetedRecurringTask.HeldOff(next, wait)).orElse(next);
    }

    /** A run's budget, counted on the monotonic ticker: a host's clock stepped back does not stretch it. */
    RunBudget budgetFromNow() {
        return RunBudget.startingNow(runBudget);
    }

    OneTimeTask<Void> retryTask() {
        return retry;
    }

    /** One window; public for the end-to-end tests, which drive it with their own times. */
    public List<RunPoliciesService.Run> tick(Instant from, Instant to) {
        List<RunPoliciesService.Run> runs = tick(from, to, Optional.empty(), RunBudget.UNBOUNDED).runs();
        sayHeldBackLines();
        return runs;
    }

    /** The pairs of a window after {@code after}, within {@code budget}, and the retries of the runs that failed. */
    private Ticked tick(Instant from, Instant to, Optional<PairReached> after, RunBudget budget) {
        Ticked ticked = ticks.tick(from, to, after, budget);
        List<RunPoliciesService.Run> done = ticked.runs();
        if (!done.isEmpty()) {
            LOG.info(runsLine(from, to, done));
        }
        ticked.stoppedAfter().ifPresent(reached -> LOG.info("policy runs in ({}, {}] cut short by the run's budget after "
                + "policy {} on server {}; the rest of the window runs next", from, to, reached.policy().value(),
                reached.server().value()));
        for (RunPoliciesService.Run run : done) {
            reportMissed(run);
            // retry-attempts 0: no retry of a failure at all (the task scheduled here is the first of them). A run put
            // off by a restore's hold, or by VPS.org's 429 naming a wait, did not fail: it is owed after it, whatever the
            // attempts.
            if (retryAttempts == 0 && !putOff(run)) {
                continue;
            }
            RetryOf of = new RetryOf(run.team(), run.policy(), run.server(), run.scheduledFor());
            // If not exists: one row per run across instances, so two never both retry it.
            lookAgain(run).ifPresent(at -> client.scheduleIfNotExists(retry.instance(of.id()), at));
        }
        return ticked;
    }

    /** At most this many runs named in a window's line; the rest counted (a line past 16 KB is cut by log shippers). */
    static final int RUNS_NAMED = 20;

    /**
     * A window's runs in one short line: counts by result, and only the runs that made no point and are not owed later
     * (failed, missed, refused, unresolved) named, at most {@link #RUNS_NAMED}. Each run's record printed whole made a
     * 1,000-run window one ~200 KB line (ADR 0034, session 53).
     */
    static String runsLine(Instant from, Instant to, List<RunPoliciesService.Run> done) {
        Map<RunPoliciesService.RunResult, Long> counts = done.stream().collect(Collectors.groupingBy(
                RunPoliciesService.Run::result, () -> new EnumMap<>(RunPoliciesService.RunResult.class),
                Collectors.counting()));
        List<RunPoliciesService.Run> notMade = done.stream().filter(run -> switch (run.result()) {
            case FAILED, MISSED, REFUSED, UNRESOLVED -> true;
            case MADE, NOT_SETTLED, PUT_OFF -> false;
        }).toList();
        StringBuilder line = new StringBuilder("policy runs in (").append(from).append(", ").append(to).append("]: ")
                .append(done.size()).append(" run(s), ").append(counts.entrySet().stream()
                        .map(count -> count.getKey().name().toLowerCase(Locale.ROOT) + " " + count.getValue())
                        .collect(Collectors.joining(", ")));
        if (!notMade.isEmpty()) {
            line.append("; not made: ").append(notMade.stream().limit(RUNS_NAMED)
                    .map(run -> "policy " + run.policy().value() + " on server " + run.server().value() + " of team "
                            + run.team().value() + " at " + run.scheduledFor() + " " + run.result().name()
                            .toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ")));
            if (notMade.size() > RUNS_NAMED) {
                line.append(" and ").append(notMade.size() - RUNS_NAMED).append(" more");
            }
        }
        return line.toString();
    }

    /**
     * A window a spent budget cut short, and the last (policy, server) pair its tick reached: the task data until the
     * window is done. Plain serializable values (db-scheduler's Java serialization), checked when read back as when made.
     */
    record WindowUnderWay(Instant from, Instant to, String team, Instant policyCreatedAt, UUID policy, long server)
            implements TaskData {

        WindowUnderWay {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(team, "team");
            Objects.requireNonNull(policyCreatedAt, "policy created at");
            Objects.requireNonNull(policy, "policy");
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("a window under way ends after it begins: " + from + ", " + to);
            }
        }

        static WindowUnderWay of(Instant from, Instant to, PairReached reached) {
            return new WindowUnderWay(from, to, reached.team().value(), reached.policyCreatedAt(),
                    reached.policy().value(), reached.server().value());
        }

        PairReached reached() {
            return new PairReached(new TeamId(team), policyCreatedAt, new PolicyId(policy), new ServerId(server));
        }
    }

    /**
     * When a run that came to {@code result} is looked at again, if ever. Failed: after {@code retry-first}. Unresolved:
     * VPS.org's answer to the create was lost (a 5xx, a timeout), and the tracker establishes within the settle period
     * whether it made the point; the retry comes after that, and runs only if the create ended not made. Not settled
     * (an earlier try's create still open: the tracker had not ended it, or this window was ticked again after a process
     * died during the create): after {@code retry-first}, and again until it ends; bounded by the pair's next cron time,
     * after which {@link RunPoliciesService#retry} owes nothing. Put off by a restore's hold: when the hold ends (a
     * hold released earlier brings it forward: {@link #holdReleased}), which the service judged before the next cron
     * time; not a failure, so no attempt is spent on it (ADR 0028, amended in session 50). Failed on VPS.org's 429 naming
     * a wait: after that wait or {@code retry-first}, whichever is longer, spending no attempt either (before, retries
     * at 1, 2 and 4 minutes inside a 10-minute Retry-After were each held back unsent and the run given up; session
     * 51); the service judged it owed then, and a retry past the next cron time owes nothing. Missed: never.
     */
    private Optional<Instant> lookAgain(RunPoliciesService.Run run) {
        return switch (run.result()) {
            case FAILED -> Optional.of(clock.instant().plus(run.rateLimitedFor()
                    .filter(wait -> wait.compareTo(retryFirst) > 0).orElse(retryFirst)));
            case NOT_SETTLED -> Optional.of(clock.instant().plus(retryFirst));
            case UNRESOLVED -> Optional.of(clock.instant().plus(settleAfter).plus(retryFirst));
            case PUT_OFF -> run.putOffUntil();
            case MADE, REFUSED, MISSED -> Optional.empty();
        };
    }

    /**
     * A restore's hold on {@code server}, whose window was to end at {@code heldUntil}, released early: the put-off
     * retries waiting for that end are brought forward to now, so a run is made once the server is free, not found free
     * only at the hold's original end (ADR 0028, amended in session 51). They are the rows due exactly then: every put-off
     * run (the server's own, or one whose rotation's point a restore onto another server read) is due at the hold's end.
     * Each row is moved, not copied, and db-scheduler picks a row on one instance only, so no two instances run it; a
     * row being run now is left as it is. How many were moved.
     */
    public int holdReleased(ServerId server, Instant heldUntil) {
        Instant now = clock.instant();
        // As db-scheduler stores it (PostgreSQL keeps microseconds): a row put off to the hold's end is due at this.
        Instant storedEnd = heldUntil.truncatedTo(ChronoUnit.MICROS);
        int moved = 0;
        for (ScheduledExecution<Void> waiting : client.getScheduledExecutionsForTask(POLICY_RUN_RETRY, Void.class,
                ScheduledExecutionsFilter.all().withPicked(false))) {
            Instant due = waiting.getExecutionTime();
            // Only the rows put off to this end: a failure's backoff row due before it keeps its backoff, and
            // db-scheduler's reschedule would reset its failure count too (own-merge review, session 51).
            boolean waitsForIt = due.equals(storedEnd);
            if (!waitsForIt || !due.isAfter(now)) {
                continue;
            }
            try {
                if (client.reschedule(waiting.getTaskInstance(), now)) {
                    moved++;
                }
            } catch (RuntimeException pickedOrGone) {
                // Picked meanwhile (it runs now) or done: nothing to bring forward.
                LOG.debug("policy run {} not brought forward: {}", waiting.getTaskInstance().getId(), pickedOrGone.toString());
            }
        }
        if (moved > 0) {
            LOG.info("server {}'s restore hold (until {}) released: {} put-off policy run(s) brought forward", server.value(),
                    heldUntil, moved);
        }
        return moved;
    }

    /** Owed later without having failed: put off by a restore's hold, or by VPS.org's 429 naming a wait. */
    private static boolean putOff(RunPoliciesService.Run run) {
        return run.result() == RunPoliciesService.RunResult.PUT_OFF || run.rateLimitedFor().isPresent();
    }

    /**
     * A run put off past its next cron time (a restore's hold, VPS.org's 429) is said, with why: no retry follows it. At
     * most one line per policy per {@link #LINE_EVERY}, with the runs missed since its last (each audited all the same).
     */
    private void reportMissed(RunPoliciesService.Run run) {
        if (run.result() != RunPoliciesService.RunResult.MISSED) {
            return;
        }
        missedLines.sayNow(run.policy()).ifPresent(since -> LOG.warn("policy {} on server {}: the run of {} is missed: a "
                + "restore holds the server, or the point its rotation would delete, or VPS.org's 429 asked to wait, until "
                + "its next cron time or later, which runs as usual (its audited SERVER_RESTORING, RECOVERY_POINT_IN_USE or "
                + "PROVIDER_RATE_LIMITED failure says until when); {} more missed run(s) of this policy since its last line "
                + "(at most one line per policy per {} min)", run.policy().value(), run.server().value(),
                run.scheduledFor(), since, LINE_EVERY.toMinutes()));
    }

    /**
     * The counts held back by the missed-run and put-off lines whose events stopped: said at each run of the task, once
     * quiet for a {@link #LINE_EVERY} (ADR 0025, amended in session 55: before, the misses after a policy's last line
     * were in no line when they stopped). On the instance that held them back, at its next run of {@value #POLICY_RUNS}.
     */
    private void sayHeldBackLines() {
        for (AtMostEvery.Expired<PolicyId> missed : missedLines.sayExpired()) {
            LOG.warn("policy {}: {} more missed run(s) of this policy since its last line, and none missed since for {} "
                    + "min (each audited)", missed.key().value(), missed.heldBack(), LINE_EVERY.toMinutes());
        }
        for (AtMostEvery.Expired<String> putOff : pausedLines.sayExpired()) {
            LOG.warn("policy {} put off while {} is on: {} more since the last line, and none since for {} min",
                    putOff.key().equals("runs") ? "run tick(s)" : "run retry(ies)", Deployment.PAUSED_AFTER_RESTORE,
                    putOff.heldBack(), LINE_EVERY.toMinutes());
        }
    }

    /**
     * Every count the missed-run and put-off lines held back on this instance, whatever its interval: at this instance's
     * stop, after its jobs' runs ended, since no later run here would say them (ADR 0025, session 55).
     */
    void sayHeldLinesAtStop() {
        for (AtMostEvery.Expired<PolicyId> missed : missedLines.sayAllHeld()) {
            LOG.warn("policy {}: {} more missed run(s) of this policy since its last line, said as this instance stops "
                    + "(each audited)", missed.key().value(), missed.heldBack());
        }
        for (AtMostEvery.Expired<String> putOff : pausedLines.sayAllHeld()) {
            LOG.warn("policy {} put off while {} is on: {} more since the last line, said as this instance stops",
                    putOff.key().equals("runs") ? "run tick(s)" : "run retry(ies)", Deployment.PAUSED_AFTER_RESTORE,
                    putOff.heldBack());
        }
    }

    /**
     * One execution of a retry task: when to run it again without counting a failure (empty: done, its row removed).
     * A retry that failed again throws {@link RunFailed}, for the failure handlers' bounded backoff.
     */
    Optional<Instant> retryOnce(String retryId) {
        if (pausedAfterRestore) {
            // A retry kept from before the restore is put off too, spending no attempt; past its pair's next cron time
            // it owes nothing (RunPoliciesService.retry).
            pausedLines.sayNow("retries").ifPresent(since -> LOG.warn("policy run retry {} put off: {} is on; {} more "
                    + "retry(ies) put off since the last line (at most one line per {} min)", retryId,
                    Deployment.PAUSED_AFTER_RESTORE, since, LINE_EVERY.toMinutes()));
            return Optional.of(clock.instant().plus(PAUSED_LOOK_AGAIN));
        }
        Optional<RunPoliciesService.Run> again = retry(RetryOf.parse(retryId));
        // A retry answered 429 spends an attempt, as any failure, and waits VPS.org's wait if it is the longer: moved
        // as a success it was tried about every minute until the next cron time, each try audited FAILED (own-merge
        // review, session 51).
        Optional<Duration> rateLimited = again.filter(run -> run.result() == RunPoliciesService.RunResult.FAILED)
                .flatMap(RunPoliciesService.Run::rateLimitedFor);
        if (rateLimited.isPresent()) {
            throw new RunRateLimited(retryId, rateLimited.get());
        }
        if (again.filter(run -> run.result() == RunPoliciesService.RunResult.FAILED && !putOff(run)).isPresent()) {
            throw new RunFailed(retryId);
        }
        // A success rescheduled: a put-off (by a hold) or not settled look spends no failed attempt, and db-scheduler
        // counts the failures again from none after it.
        again.ifPresent(this::reportMissed);
        return again.flatMap(this::lookAgain);
    }

    /** One retry; package-private for the tests, which drive it as db-scheduler would. */
    Optional<RunPoliciesService.Run> retry(RetryOf of) {
        Optional<RunPoliciesService.Run> again = retries.retry(of);
        again.ifPresent(run -> LOG.info(run.result() == RunPoliciesService.RunResult.NOT_SETTLED
                ? "policy run not retried yet: its earlier create is still open: {}" : "policy run retried: {}", run));
        return again;
    }

    /** A retry's task instance id: the policy, the server, the cron time (epoch seconds) and the team. */
    record RetryOf(TeamId team, PolicyId policy, ServerId server, Instant scheduledFor) {

        String id() {
            return policy.value() + ":" + server.value() + ":" + scheduledFor.getEpochSecond() + ":" + team.value();
        }

        static RetryOf parse(String id) {
            String[] parts = id.split(":", 4);
            return new RetryOf(new TeamId(parts[3]), PolicyId.parse(parts[0]),
                    new ServerId(Long.parseLong(parts[1])), Instant.ofEpochSecond(Long.parseLong(parts[2])));
        }
    }

    /** Tells db-scheduler the retry failed too, so its failure handler schedules the next; the audit says why. */
    static class RunFailed extends RuntimeException {
        RunFailed(String retryId) {
            super("policy run " + retryId + " failed again; see its audit events", null, false, false);
        }
    }

    /** A retry VPS.org answered 429 with a wait: a failure whose next try comes no sooner than that wait. */
    static final class RunRateLimited extends RunFailed {
        private final Duration wait;

        RunRateLimited(String retryId, Duration wait) {
            super(retryId);
            this.wait = wait;
        }
    }

    /**
     * db-scheduler's exponential backoff from {@code retryFirst} (doubling with each failure), but never sooner than
     * the wait a retry answered 429 asked for ({@link RunRateLimited}); the failure counted all the same.
     */
    private static FailureHandler<Void> backoffHonouringVpsOrgsWait(Duration retryFirst) {
        FailureHandler<Void> backoff = new FailureHandler.ExponentialBackoffFailureHandler<>(retryFirst, 2.0);
        return (complete, operations) -> {
            Optional<Duration> wait = complete.getCause().filter(RunRateLimited.class::isInstance)
                    .map(cause -> ((RunRateLimited) cause).wait);
            if (wait.isEmpty()) {
                backoff.onFailure(complete, operations);
                return;
            }
            Instant backedOff = complete.getTimeDone().plusMillis(Math.round(retryFirst.toMillis()
                    * Math.pow(2.0, complete.getExecution().consecutiveFailures)));
            Instant waited = complete.getTimeDone().plus(wait.get());
            operations.reschedule(complete, waited.isAfter(backedOff) ? waited : backedOff);
        };
    }
}
