package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.http.provider.VpsOrgClient;
import org.vpsrecovery.application.drift.ScanDriftService;
import org.vpsrecovery.application.job.RunBudget;

/**
 * The drift scan as one db-scheduler recurring task, {@value #DRIFT_SCAN}, run once across every instance
 * (ADR 0035). Each run scans at most {@code vpsr.drift.servers-per-run} servers, pausing
 * {@code vpsr.drift.pause-between-servers} between two, so VPS.org sees a trickle of list calls however many
 * servers there are, and stops taking servers once the run's {@code vpsr.jobs.run-budget} is spent (a slow VPS.org).
 * Its task data is the last server scanned: the next run, on any instance, continues
 * after it and wraps round, so every server is scanned in turn. The first run ever comes one interval after
 * the first start. A round its budget cut short is not left for the next interval: its task data is then the last server
 * reached and the servers the round had left ({@link RoundUnderWay}), and the rest of it runs at once, behind the jobs
 * already due; the interval counts from the end of the whole round, as before budgets (ADR 0035, amended in session 46).
 */
@Singleton
public class DriftScanJobs {

    private static final Logger LOG = LoggerFactory.getLogger(DriftScanJobs.class);

    static final String DRIFT_SCAN = "drift-scan";

    private final RoundScans scans;
    private final Duration every;
    private final int serversPerRun;
    private final Duration pause;
    private final Duration runBudget;
    private final Duration maxHold;

    @jakarta.inject.Inject
    public DriftScanJobs(ScanDriftService scans, @Value("${vpsr.drift.scan-every:10m}") Duration every,
                         @Value("${vpsr.drift.servers-per-run:100}") int serversPerRun,
                         @Value("${vpsr.drift.pause-between-servers:200ms}") Duration pause,
                         @Value("${" + ClusterJobs.RUN_BUDGET + ":1m}") Duration runBudget, VpsOrgClient vpsOrg) {
        this((RoundScans) scans::scan, every, serversPerRun, pause, runBudget, vpsOrg.settings().maxHold());
    }

    /** A round of the scan, as {@link ScanDriftService#scan(Optional, int, ScanDriftService.Pacing, RunBudget)} makes it. */
    @FunctionalInterface
    interface RoundScans {
        ScanDriftService.Round scan(Optional<Long> after, int maxServers, ScanDriftService.Pacing pacing, RunBudget budget);
    }

    /**
     * Over the rounds as given: for the tests, which choose what a round comes to. {@code maxHold}: {@code
     * vpsorg.max-hold}, the longest a 429's wait puts off the next round (ADR 0010, amended in session 52).
     */
    DriftScanJobs(RoundScans scans, Duration every, int serversPerRun, Duration pause, Duration runBudget,
                  Duration maxHold) {
        if (serversPerRun < 1 || pause.isNegative()) {
            throw new StartupRefused("vpsr.drift.servers-per-run must be at least 1 and "
                    + "vpsr.drift.pause-between-servers not negative, were " + serversPerRun + " and " + pause);
        }
        this.scans = scans;
        this.every = StartupRefused.unlessPositive("vpsr.drift.scan-every", every);
        this.serversPerRun = serversPerRun;
        this.pause = pause;
        this.runBudget = StartupRefused.unlessPositive(ClusterJobs.RUN_BUDGET, runBudget);
        this.maxHold = maxHold;
    }

    /**
     * Its data: the last server scanned (a {@link Long}, as rows written before session 46 hold it; -1 before the
     * first), or a round its budget cut short ({@link RoundUnderWay}).
     */
    RecurringTask<Serializable> task() {
        Schedule schedule = new FirstAfterOneDelay(FixedDelay.of(every), every);
        return BudgetedRecurringTask.of(DRIFT_SCAN, schedule, -1L,
                data -> runOnce(data, RunBudget.startingNow(runBudget)), RoundUnderWay.class::isInstance, maxHold);
    }

    /** One run of {@value #DRIFT_SCAN} from its task data: what its task data becomes. */
    Serializable runOnce(Serializable data, RunBudget budget) {
        Optional<Long> after;
        int servers;
        if (data instanceof RoundUnderWay underWay) {
            after = underWay.after();
            servers = underWay.serversLeft();
        } else {
            Long last = (Long) data;
            after = last == null || last < 0 ? Optional.empty() : Optional.of(last);
            servers = serversPerRun;
        }
        ScanDriftService.Round round = scanRound(after, servers, budget);
        long last = round.lastServer().orElse(-1L);
        Serializable next = round.leftByBudget() > 0 ? new RoundUnderWay(last, round.leftByBudget()) : Long.valueOf(last);
        return round.throttledFor().<Serializable>map(wait -> new BudgetedRecurringTask.HeldOff(next, wait)).orElse(next);
    }

    /**
     * A round a spent budget cut short: the last server it reached (-1: none yet) and how many of the round's servers it
     * had left, so the rest of the round scans no more than {@code vpsr.drift.servers-per-run} in all.
     */
    record RoundUnderWay(long lastServer, int serversLeft) implements TaskData {

        RoundUnderWay {
            if (serversLeft < 1) {
                throw new IllegalArgumentException("a round under way has servers left, had " + serversLeft);
            }
        }

        Optional<Long> after() {
            return lastServer < 0 ? Optional.empty() : Optional.of(lastServer);
        }
    }

    /** One round after {@code after}; public for the end-to-end tests, which drive it instead of waiting for the timer. */
    public ScanDriftService.Round scanRound(Optional<Long> after) {
        return scanRound(after, serversPerRun, RunBudget.UNBOUNDED);
    }

    private ScanDriftService.Round scanRound(Optional<Long> after, int servers, RunBudget budget) {
        ScanDriftService.Round round = scans.scan(after, servers, this::pause, budget);
        if (round.detected() > 0 || round.resolved() > 0 || round.passedOver() > 0) {
            LOG.info("drift scan: {} server(s) scanned, {} passed over, {} drift(s) detected, {} resolved",
                    round.scanned(), round.passedOver(), round.detected(), round.resolved());
        }
        return round;
    }

    /**
     * A fixed delay whose first run ever comes one delay after the first start, not at it: a fresh
     * deployment (and every test's platform) starts without a round of list calls to VPS.org.
     */
    private record FirstAfterOneDelay(FixedDelay delay, Duration every) implements Schedule {
        @Override
        public Instant getNextExecutionTime(ExecutionComplete executionComplete) {
            return delay.getNextExecutionTime(executionComplete);
        }

        @Override
        public Instant getInitialExecutionTime(Instant now) {
            return now.plus(every);
        }

        @Override
        public boolean isDeterministic() {
            return delay.isDeterministic();
        }
    }

    /** Shutting down interrupts the job: the pause says so and the round ends; the next continues after it. */
    private void pause() throws InterruptedException {
        if (pause.isZero()) {
            if (Thread.interrupted()) {
                throw new InterruptedException("drift scan stopped");
            }
            return;
        }
        Thread.sleep(pause);
    }
}
