package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.http.provider.VpsOrgClient;
import org.vpsrecovery.adapters.persistence.PostgresAdapterFactory;
import org.vpsrecovery.adapters.persistence.fairshare.PgSharedAllowances;
import org.vpsrecovery.application.attempt.ReconcilePendingIntentsService;
import org.vpsrecovery.application.failure.AtMostEvery;
import org.vpsrecovery.application.operation.TrackOperationsService;
import org.vpsrecovery.application.job.RunBudget;
import org.vpsrecovery.application.restore.ContinueRestoresService;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.AuditCountDeltas;
import org.vpsrecovery.domain.port.IdempotencyRecords;

/**
 * The jobs over shared state, each run once across every instance by db-scheduler (its table
 * {@code scheduled_tasks}, migration V6): following open operations at VPS.org, settling intents no
 * operation follows, purging expired idempotency records, and sending webhooks and purging their ended deliveries
 * ({@link WebhookJobs}, ADR 0025), the policies' scheduled runs ({@link PolicyRunJobs}, ADR 0028), and the drift scan ({@link DriftScanJobs}, ADR 0035), two-person approvals ({@link ApprovalJobs}, ADR 0040), and the fold of the appends' count deltas into the summaries' counts
 * (ADR 0119), and the deletion of idle bucket rows (ADR 0041, amended in session 51). A run missed while every
 * instance was down happens once at the next start, not once per missed tick. ADR 0024.
 *
 * <p>Built with the context (a wrong setting stops the start), but started only once the HTTP server listens
 * (ADR 0066) and has answered its first request, or {@code vpsr.jobs.start-wait} after listening if no request
 * comes first: its start reads or writes a row per job and its first runs read the operations, the intents, the
 * policies and the webhooks and call VPS.org, work the first request need not share two cores with (ADR 0098).
 * It starts on a thread of its own, never the event loop's. Readiness says "not started" until then.
 */
@Context
public class ClusterJobs implements ApplicationEventListener<ServerStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterJobs.class);

    static final String TRACK_OPERATIONS = "track-operations";
    static final String RECONCILE_INTENTS = "reconcile-intents";
    static final String PURGE_IDEMPOTENCY = "purge-idempotency-records";
    static final String CONTINUE_RESTORES = "continue-restores";
    static final String FOLD_AUDIT_COUNTS = "fold-audit-counts";
    static final String PURGE_IDLE_BUCKETS = "purge-idle-buckets";
    /** Idle bucket rows (ADR 0041, amended in session 51) are kept an hour past refilling: hourly is often enough. */
    static final Duration PURGE_IDLE_BUCKETS_EVERY = Duration.ofHours(1);
    static final String STARTED = "started";
    /**
     * The scheduler's threads, shared by every job; webhook attempts may hold only some (WebhooksFactory.MAX_CONCURRENT),
     * and a run of a job over a batch at VPS.org holds one for at most {@link #RUN_BUDGET} and its last item.
     */
    static final int THREADS = 4;

    /**
     * How long one run of tracking, reconciliation, the drift scan or the policy tick goes on taking items (ADR 0024,
     * sessions 45 and 46).
     */
    static final String RUN_BUDGET = "vpsr.jobs.run-budget";

    /** The fewest missed heartbeats db-scheduler takes before it counts a run's instance as dead. */
    static final int LEAST_MISSED_HEARTBEATS = 4;

    /** The shortest wait between two polls of db-scheduler's table (the tests poll every 200 ms). */
    static final Duration LEAST_POLLING_INTERVAL = Duration.ofMillis(100);

    /**
     * How long a stop waits for a start under way: a start writes a row per job, well under a second on a database that
     * answers; past this the database stalled it, and the stop goes on without it (ADR 0038, session 56).
     */
    static final Duration STOP_WAITS_FOR_A_START = Duration.ofSeconds(2);

    private final Scheduler scheduler;
    /** Every task the scheduler runs, with the data class each declares. */
    private final List<Task<?>> tasks;
    /** Held by a start for its whole length; a stop waits for it at most {@link #STOP_WAITS_FOR_A_START}. */
    private final ReentrantLock starting = new ReentrantLock();
    /** Set first thing by a stop: a start not yet under way, or coming out of its database, does not run the jobs. */
    private volatile boolean stopping;
    /**
     * db-scheduler's stop was run, by the stop only (under its monitor): a start never stops the scheduler itself, so
     * the stop always waits for the runs under way, whoever's start they came from (ADR 0038, own-merge review of
     * session 56).
     */
    private boolean schedulerStopped;
    private final Duration startWait;
    private final FirstAnswer firstAnswer;
    private final ContinueRestores continueRestores;
    /** Said at a stop: the counts their lines held back on this instance (ADR 0025, session 55). */
    private final Runnable sayHeldLinesAtStop;

    /**
     * One run of {@value #CONTINUE_RESTORES}: the restores waiting for their safety snapshot continued ({@code tick}),
     * except while paused after a database restore (ADR 0028, own-merge review of session 52): the restored database
     * may have forgotten that a waiting restore was already continued, and asking VPS.org again would restore the server
     * a second time. Left until the restart without the pause; said at most every ten minutes.
     */
    static final class ContinueRestores {
        private final java.util.function.IntSupplier tick;
        private final boolean pausedAfterRestore;
        private final AtMostEvery<String> pausedLine = new AtMostEvery<>(Duration.ofMinutes(10), 1, System::nanoTime);

        ContinueRestores(java.util.function.IntSupplier tick, boolean pausedAfterRestore) {
            this.tick = tick;
            this.pausedAfterRestore = pausedAfterRestore;
        }

        void runOnce() {
            if (pausedAfterRestore) {
                if (pausedLine.sayNow(CONTINUE_RESTORES).isPresent()) {
                    LOG.warn("restores waiting for their safety snapshot are not continued while {} is on",
                            Deployment.PAUSED_AFTER_RESTORE);
                }
                return;
            }
            int moved = tick.getAsInt();
            if (moved > 0) {
                LOG.info("continued {} restore(s) waiting for a safety snapshot", moved);
            }
        }
    }

    public ClusterJobs(DataSource dataSource, TrackOperationsService tracker, ReconcilePendingIntentsService reconciler,
                       IdempotencyRecords idempotencyRecords,
                       @Value("${vpsr.tracking.every:5s}") Duration trackEvery,
                       @Value("${vpsr.reconcile.every:1m}") Duration reconcileEvery,
                       @Value("${vpsr.idempotency.purge-every:1h}") Duration purgeEvery,
                       @Value("${vpsr.jobs.polling-interval:1s}") Duration pollingInterval,
                       @Value("${vpsr.jobs.heartbeat-interval:5s}") Duration heartbeatInterval,
                       @Value("${vpsr.jobs.missed-heartbeats:6}") int missedHeartbeats,
                       WebhookJobs webhooks, ContinueRestoresService restores,
                       @Value("${vpsr.restores.continue-every:2s}") Duration continueEvery, PolicyRunJobs policyRuns,
                       DriftScanJobs driftScans, ApprovalJobs approvals,
                       @Value("${vpsr.jobs.shutdown-max-wait:10s}") Duration shutdownMaxWait,
                       @Value("${vpsr.jobs.start-wait:2s}") Duration startWait,
                       AuditCountDeltas countDeltas,
                       @Value("${vpsr.audit.fold-counts-every:1s}") Duration foldEvery, FirstAnswer firstAnswer,
                       @Value("${" + RUN_BUDGET + ":1m}") Duration runBudget, PgSharedAllowances sharedAllowances,
                       VpsOrgClient vpsOrg,
                       @Value("${" + Deployment.PAUSED_AFTER_RESTORE + ":false}") boolean pausedAfterRestore,
                       MeterRegistry registry) {
        if (missedHeartbeats < LEAST_MISSED_HEARTBEATS) {
            // db-scheduler refuses it too, with a message that names no key of ours.
            throw new IllegalArgumentException("vpsr.jobs.missed-heartbeats must be at least " + LEAST_MISSED_HEARTBEATS
                    + " (db-scheduler's least), was " + missedHeartbeats);
        }
        StartupRefused.unlessPositive("vpsr.tracking.every", trackEvery);
        StartupRefused.unlessPositive("vpsr.reconcile.every", reconcileEvery);
        StartupRefused.unlessPositive("vpsr.idempotency.purge-every", purgeEvery);
        StartupRefused.unlessPositive("vpsr.restores.continue-every", continueEvery);
        StartupRefused.unlessPositive("vpsr.audit.fold-counts-every", foldEvery);
        StartupRefused.unlessPositive("vpsr.jobs.heartbeat-interval", heartbeatInterval);
        StartupRefused.unlessPositive(RUN_BUDGET, runBudget);
        // Each poll reads scheduled_tasks: shorter polls load the shared database without making any job sooner.
        StartupRefused.unlessAtLeast("vpsr.jobs.polling-interval", pollingInterval, LEAST_POLLING_INTERVAL);
        this.startWait = startWait;
        this.firstAnswer = firstAnswer;
        this.continueRestores = new ContinueRestores(restores::tick, pausedAfterRestore);
        this.sayHeldLinesAtStop = () -> {
            tracker.sayHeldLinesAtStop();
            policyRuns.sayHeldLinesAtStop();
            webhooks.sayHeldLinesAtStop();
        };
        // A 429's wait puts off the next round at most this long, as it holds the client (ADR 0010, session 52).
        Duration maxHold = vpsOrg.settings().maxHold();
        List<RecurringTask<?>> tasks = List.of(webhooks.dispatchTask(), webhooks.purgeEndedTask(), policyRuns.task(), driftScans.task(), approvals.task(),
                // Both over VPS.org, each run bounded by the budget (ADR 0024, amended in session 45), and a round its
                // budget cut short goes on at once with what it had left, as the drift scan's (amended in session 47).
                BudgetedRecurringTask.of(TRACK_OPERATIONS, FixedDelay.of(trackEvery), null,
                        data -> onceReturning(TRACK_OPERATIONS,
                                () -> trackOnce(tracker, data, RunBudget.startingNow(runBudget))),
                        OperationsUnderWay.class::isInstance, maxHold),
                BudgetedRecurringTask.of(RECONCILE_INTENTS, FixedDelay.of(reconcileEvery), 0L,
                        data -> onceReturning(RECONCILE_INTENTS,
                                () -> reconcileOnce(reconciler, data, RunBudget.startingNow(runBudget))),
                        IntentsUnderWay.class::isInstance, maxHold),
                // Restores waiting for their safety snapshot (ADR 0029): read from the operations, so a restart loses none.
                Tasks.recurring(CONTINUE_RESTORES, FixedDelay.of(continueEvery)).execute((instance, context) ->
                        once(CONTINUE_RESTORES, continueRestores::runOnce)),
                // Reads add the deltas not folded yet (ADR 0119): the fold keeps them few, it changes no answer.
                Tasks.recurring(FOLD_AUDIT_COUNTS, FixedDelay.of(foldEvery))
                        .execute((instance, context) -> once(FOLD_AUDIT_COUNTS, countDeltas::fold)),
                Tasks.recurring(PURGE_IDEMPOTENCY, FixedDelay.of(purgeEvery))
                        .execute((instance, context) -> once(PURGE_IDEMPOTENCY, idempotencyRecords::purgeExpired)),
                // The console's per-address sign-in buckets past their expiry, and the old rate scheme's team rows.
                Tasks.recurring(PURGE_IDLE_BUCKETS, FixedDelay.of(PURGE_IDLE_BUCKETS_EVERY))
                        .execute((instance, context) -> once(PURGE_IDLE_BUCKETS, sharedAllowances::purgeIdle)));
        List<Task<?>> everyTask = new ArrayList<>(tasks);
        everyTask.add(webhooks.deliverTask());
        everyTask.add(policyRuns.retryTask());
        this.tasks = List.copyOf(everyTask);
        SchedulerBuilder builder = Scheduler.create(PostgresAdapterFactory.pooled(dataSource), webhooks.deliverTask(),
                        policyRuns.retryTask())
                .startTasks(tasks)
                // Task data another release wrote in a class this one lacks is read as none, a fresh round, not a
                // failure at every run for ever (ADR 0024, amended in session 48), and counted by job (session 55).
                .serializer(new TaskDataSerializer(registry, everyTask.stream()
                        .filter(task -> task.getDataClass() != Void.class).map(Task::getName).toList()))
                .pollingInterval(pollingInterval)
                // An instance killed mid-run (tracking, a webhook attempt) holds its job's row until its
                // heartbeats are missed: then another instance revives it (30 s by default, not db-scheduler's 30 min).
                .heartbeatInterval(heartbeatInterval)
                .missedHeartbeatsLimit(missedHeartbeats)
                // Webhook attempts (each bounded by its timeouts) take at most vpsr.webhooks.max-concurrent of these.
                .threads(THREADS)
                // At a stop, runs under way get this long to end; one still running then is interrupted and its
                // row, no longer heartbeating, is revived by another instance (missed heartbeats above). ADR 0038.
                .shutdownMaxWait(shutdownMaxWait);
        // The end of a loop's failures is said when it runs again (ServiceLogging's filter; ADR 0024, session 53).
        SchedulerLoopLines.listenerIn(LoggerFactory.getILoggerFactory()).ifPresent(builder::addSchedulerListener);
        this.scheduler = builder.build();
    }

    /**
     * One run of {@value #TRACK_OPERATIONS} from its task data: what its task data becomes. No data (rows written before
     * session 47 have none): a round over what is due; {@link OperationsUnderWay}: the rest of a round cut short.
     */
    static Serializable trackOnce(TrackOperationsService tracker, Serializable data, RunBudget budget) {
        TrackOperationsService.Round round = data instanceof OperationsUnderWay underWay
                ? tracker.roundGoingOn(underWay.operations(), budget) : tracker.round(budget);
        if (round.moved() > 0) {
            LOG.info("tracking moved {} operation(s)", round.moved());
        }
        Serializable next = round.leftByBudget().isEmpty() ? null : OperationsUnderWay.of(round.leftByBudget());
        return round.throttledFor().<Serializable>map(wait -> new BudgetedRecurringTask.HeldOff(next, wait)).orElse(next);
    }

    /**
     * The rest of a tracking round its budget cut short: the ids of the operations it read as due and did not reach, in
     * the order it would have taken them (at most the batch, {@code vpsr.tracking.batch}). Plain serializable values
     * (db-scheduler's Java serialization), checked when read back as when made.
     */
    record OperationsUnderWay(List<UUID> left) implements TaskData {

        OperationsUnderWay {
            left = List.copyOf(left);
            if (left.isEmpty()) {
                throw new IllegalArgumentException("a tracking round under way has operations left");
            }
        }

        static OperationsUnderWay of(List<OperationId> left) {
            return new OperationsUnderWay(left.stream().map(OperationId::value).toList());
        }

        List<OperationId> operations() {
            return left.stream().map(OperationId::new).toList();
        }
    }

    /**
     * One run of {@value #RECONCILE_INTENTS} from its task data: what its task data becomes. A {@link Long} (as rows
     * written since session 45 hold it; none before): the sequence a round of 100 intents starts after;
     * {@link IntentsUnderWay}: the rest of a round cut short.
     */
    static Serializable reconcileOnce(ReconcilePendingIntentsService reconciler, Serializable data, RunBudget budget) {
        ReconcilePendingIntentsService.Round round = data instanceof IntentsUnderWay underWay
                ? reconciler.reconcile(underWay.intentsLeft(), underWay.after(), budget)
                : reconciler.reconcile(INTENTS_PER_ROUND, data == null ? 0 : (Long) data, budget);
        if (round.closed() > 0) {
            LOG.info("reconciled {} intent(s) whose outcome was never recorded", round.closed());
        }
        return round.leftByBudget() > 0 ? new IntentsUnderWay(round.resumeAfter(), round.leftByBudget())
                : Long.valueOf(round.resumeAfter());
    }

    /** The intents one round of reconciliation takes, at most. */
    static final int INTENTS_PER_ROUND = 100;

    /**
     * The rest of a reconcile round its budget cut short: the sequence of the last intent it reached and how many of the
     * round's intents it had left, so the round takes no more than {@value #INTENTS_PER_ROUND} in all.
     */
    record IntentsUnderWay(long after, int intentsLeft) implements TaskData {

        IntentsUnderWay {
            if (after < 0 || intentsLeft < 1) {
                throw new IllegalArgumentException("a reconcile round under way resumes after a sequence and has intents "
                        + "left, had " + after + " and " + intentsLeft);
            }
        }
    }

    /** The server listens: the scheduler starts after the first answer, or after {@code vpsr.jobs.start-wait}. */
    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        if (startWait.isZero() || startWait.isNegative()) {
            start();
            return;
        }
        Thread.ofPlatform().name("cluster-jobs-start").daemon().start(() -> {
            try {
                firstAnswer.await(startWait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                start();
            } catch (RuntimeException e) {
                // Not the main thread's any more: said here, and readiness stays "not started".
                LOG.error("the job scheduler did not start; readiness stays DOWN", e);
            }
        });
    }

    /**
     * Starts the scheduler, unless this instance is stopping. Its start writes a row per job: a database that stalls it
     * (a lock held on {@code scheduled_tasks}, a paused connection) holds only this thread, never a stop, which waits for
     * it at most {@link #STOP_WAITS_FOR_A_START} and then stops the scheduler under it (ADR 0038, session 56). A start
     * that comes out of its database after that hands no work to the stopped scheduler. A start that ends after the stop
     * began never stops the scheduler itself: the stop does, after its wait, and waits for the runs it brought up.
     */
    void start() {
        starting.lock();
        try {
            if (stopping) {
                LOG.info("the job scheduler is not started: this instance is stopping");
                return;
            }
            var state = scheduler.getSchedulerState();
            if (state.isStarted() || state.isShuttingDown()) {
                return;
            }
            try {
                scheduler.start();
            } catch (java.util.concurrent.RejectedExecutionException stoppedUnderIt) {
                if (!stopping) {
                    throw stoppedUnderIt;
                }
                // The stop stopped the scheduler's executors while its start waited on the database.
                LOG.info("the job scheduler's start ended after this instance began to stop: no job runs here");
                return;
            }
            if (stopping) {
                // Not stopped here: the stop would not wait for it to end (own-merge review of session 56).
                LOG.info("the job scheduler's start ended after this instance began to stop: the stop stops it");
            }
        } finally {
            starting.unlock();
        }
    }

    /** One run of a job; at DEBUG its start and end, which the reliability suite reads to see runs never overlap. */
    private static void once(String job, Runnable run) {
        onceReturning(job, () -> {
            run.run();
            return null;
        });
    }

    private static <T> T onceReturning(String job, java.util.function.Supplier<T> run) {
        LOG.debug("job {} begins", job);
        try {
            return run.get();
        } finally {
            LOG.debug("job {} ends", job);
        }
    }

    /** Every task the scheduler runs: for the test that each one's declared data reads back (ADR 0024). */
    List<Task<?>> tasks() {
        return tasks;
    }

    /** Whether a stop waits for the start under way: for tests that stop during a start. */
    boolean aStopWaitsForTheStart() {
        return starting.hasQueuedThreads();
    }

    /** "started", "stopping", "paused" or "not started": for readiness ({@link InstanceReadiness}). */
    String state() {
        var state = scheduler.getSchedulerState();
        if (state.isShuttingDown()) {
            return "stopping";
        }
        if (state.isPaused()) {
            return "paused";
        }
        return state.isStarted() ? STARTED : "not started";
    }

    /**
     * The jobs stopped in the context's stop, after Micronaut's graceful shutdown and before the checkpoint's round on
     * the way out ({@link ChainCheckpointJob}, ordered last), so their last appends are under the head it signs: without
     * the drain (SIGHUP, or its handler not installed) the scheduler ran on through that round until its @PreDestroy
     * (ADR 0052, amended in session 55). After the drain's stop, or a second call, the scheduler is not stopped again;
     * only held-back lines not said yet are said. A failed stop is logged, not thrown: Micronaut publishes the event outside any try, so a throw here would skip the checkpoint's round and
     * every bean's destroy (review of session 55).
     */
    void stopOnShutdown(ShutdownEvent event) {
        try {
            stop();
        } catch (RuntimeException | LinkageError failed) {
            LOG.warn("the jobs' stop failed; the way-out round and the beans' stop go on", failed);
        }
    }

    /**
     * Stops picking jobs, waits for the runs under way (at most the shutdown max wait), then lets
     * them go; the jobs' rows stay in the database for the other instances. Called first thing in a
     * graceful stop ({@link DrainOnStopSignal}), and again, harmlessly, when the context closes. A start under way is
     * waited for at most {@link #STOP_WAITS_FOR_A_START}, then stopped under it (ADR 0038, session 56): before, the stop
     * waited behind a start its database stalled, past the orchestrator's grace.
     */
    @PreDestroy
    synchronized void stop() {
        stopping = true;
        // Once: a second call (the context's, after the drain's) comes after the first one's stop ended (the monitor).
        if (!schedulerStopped) {
            waitForAStartUnderWay();
            schedulerStopped = true;
            // Whoever's start brought it up: it waits for the runs under way, at most the shutdown max wait.
            scheduler.stop();
        }
        // After the runs under way ended: what their lines held back here no later run on this instance will say.
        sayHeldLinesAtStop.run();
    }

    /**
     * Waits for a start under way at most {@link #STOP_WAITS_FOR_A_START}; a start after that reads {@code stopping}
     * and returns. Past the wait the scheduler is stopped under the start: one that comes out of its database then
     * finds db-scheduler's executors shut and runs no job.
     */
    private void waitForAStartUnderWay() {
        try {
            if (starting.tryLock(STOP_WAITS_FOR_A_START.toMillis(), TimeUnit.MILLISECONDS)) {
                starting.unlock();
                return;
            }
            LOG.warn("the job scheduler's start has not ended after {} s (its database is slow or stalled): stopping "
                    + "the scheduler under it", STOP_WAITS_FOR_A_START.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("the jobs' stop was interrupted while it waited for the job scheduler's start: stopping the "
                    + "scheduler under it");
        }
    }
}
