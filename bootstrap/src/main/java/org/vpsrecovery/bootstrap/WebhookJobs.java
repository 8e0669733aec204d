package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.persistence.PostgresAdapterFactory;
import org.vpsrecovery.adapters.persistence.webhook.DeliveryRowRepository;
import org.vpsrecovery.application.failure.AtMostEvery;
import org.vpsrecovery.application.webhook.DeliverWebhooksService;
import org.vpsrecovery.application.webhook.DeliverySlots;
import org.vpsrecovery.domain.webhook.WebhookDeliveryId;

/**
 * Webhook delivery on db-scheduler (ADR 0025). A recurring job hands each new outbox row to
 * db-scheduler as a one-time task instance named by the delivery id; that task makes one attempt,
 * and a failed attempt is retried by db-scheduler's failure handler: exponential backoff from
 * {@code first-retry}, doubling, and after {@code max-attempts} the delivery is given up (dead); see
 * {@link DeliveryRetries}. An attempt put off for want of a slot is no failure ({@link DeliverTask}).
 * Both run once across instances, like every job in {@link ClusterJobs}.
 */
@Singleton
public class WebhookJobs {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookJobs.class);

    static final String DISPATCH = "dispatch-webhooks";
    static final String DELIVER = DeliveryRowRepository.DELIVERY_TASK;
    private static final int DISPATCH_BATCH = 200;
    /** How often the dispatcher also sweeps for deliveries db-scheduler dropped without their give-up (it scans the pending). */
    static final Duration SWEEP_EVERY = Duration.ofMinutes(1);
    private static final int SWEEP_BATCH = 500;
    /** Rows of removed subscriptions deleted per dispatcher run: at the default 1 s, ~1.8 M an hour, each step short. */
    private static final int PURGE_BATCH = 500;

    /** The retention purge (ADR 0025, session 53): its own job, so a long purge never holds up the dispatcher. */
    static final String PURGE_ENDED = "purge-ended-webhook-deliveries";
    static final String DELIVERY_RETENTION = "vpsr.webhooks.delivery-retention";
    static final Duration PURGE_ENDED_EVERY = Duration.ofMinutes(10);
    /** Ended deliveries deleted per statement (each its own short transaction), and statements per run at most. */
    static final int PURGE_ENDED_BATCH = 500;
    static final int PURGE_ENDED_BATCHES_PER_RUN = 200;

    private final SweepTurns sweeps;
    private final RecurringTask<Void> purgeEnded;

    private final OneTimeTask<Integer> deliver;
    private final RecurringTask<Void> dispatch;
    private final DeliveryRetries retries;

    @Inject
    public WebhookJobs(DataSource dataSource, DeliverWebhooksService service,
                       @Value("${vpsr.webhooks.dispatch-every:1s}") Duration dispatchEvery,
                       @Value("${" + WebhooksFactory.FIRST_RETRY + ":30s}") Duration firstRetry,
                       @Value("${" + WebhooksFactory.MAX_ATTEMPTS + ":8}") int maxAttempts,
                       @Value("${" + Deployment.PAUSED_AFTER_RESTORE + ":false}") boolean pausedAfterRestore,
                       @Value("${" + DELIVERY_RETENTION + ":30d}") Duration deliveryRetention) {
        this(dataSource, service, dispatchEvery, firstRetry, maxAttempts, System::nanoTime, pausedAfterRestore,
                deliveryRetention);
    }

    /** {@code ticker}: the monotonic ticker, in nanoseconds, the sweep's turns are measured on ({@link SweepTurns}). */
    WebhookJobs(DataSource dataSource, DeliverWebhooksService service, Duration dispatchEvery, Duration firstRetry,
                int maxAttempts, LongSupplier ticker) {
        this(dataSource, service, dispatchEvery, firstRetry, maxAttempts, ticker, false, Duration.ofDays(30));
    }

    /**
     * {@code pausedAfterRestore}: {@value Deployment#PAUSED_AFTER_RESTORE}: while on, no new delivery is handed out
     * and those scheduled are put off without an attempt, so a subscription as it was at the restore point sends nothing
     * until the operator has checked it (ADR 0025, amended in session 51).
     */
    WebhookJobs(DataSource dataSource, DeliverWebhooksService service, Duration dispatchEvery, Duration firstRetry,
                int maxAttempts, LongSupplier ticker, boolean pausedAfterRestore, Duration deliveryRetention) {
        if (maxAttempts < 1 || firstRetry.isNegative() || firstRetry.isZero()) {
            throw new StartupRefused(WebhooksFactory.MAX_ATTEMPTS + " must be at least 1 and "
                    + WebhooksFactory.FIRST_RETRY + " positive");
        }
        StartupRefused.unlessPositive("vpsr.webhooks.dispatch-every", dispatchEvery);
        StartupRefused.unlessPositive(DELIVERY_RETENTION, deliveryRetention);
        this.sweeps = new SweepTurns(ticker, SWEEP_EVERY);
        DeliveryRetries retries = new DeliveryRetries(service, firstRetry, maxAttempts, ticker);
        this.retries = retries;
        this.deliver = new DeliverTask(service, retries, pausedAfterRestore);
        SchedulerClient client = SchedulerClient.Builder.create(PostgresAdapterFactory.pooled(dataSource), deliver).build();
        this.dispatch = Tasks.recurring(DISPATCH, FixedDelay.of(dispatchEvery)).execute((instance, context) -> {
            // Each run (every second), whatever it finds: the counts the retries' lines held back and no next line will say.
            retries.sayHeldBackLines();
            if (pausedAfterRestore) {
                // Left pending in the outbox, handed out once the switch is off; nor swept: none was dropped.
                purgeAStep(service);
                return;
            }
            service.dispatch(DISPATCH_BATCH, ids -> ids.forEach(id ->
                    client.scheduleIfNotExists(deliver.instance(id.toString()), Instant.now())));
            sweepNowAndThen(service);
            purgeAStep(service);
        });
        // Not paused after a restore: deleting what ended long ago sends nothing.
        this.purgeEnded = Tasks.recurring(PURGE_ENDED, FixedDelay.of(PURGE_ENDED_EVERY))
                .execute((instance, context) -> purgeEnded(service, deliveryRetention));
    }

    /**
     * Says every count the receiver, dead and put-off-death lines held back on this instance, whatever its interval: at
     * this instance's stop, after its jobs' runs ended, since no later line or run here would (ADR 0025, session 55).
     */
    void sayHeldLinesAtStop() {
        retries.sayAllHeldLines();
    }

    /** The retries whose lines this instance's dispatcher sweeps: for the tests, which hold some back through it. */
    DeliveryRetries retries() {
        return retries;
    }

    /**
     * Ended deliveries queued longer ago than the retention, in batches of {@value #PURGE_ENDED_BATCH}, each its own
     * transaction, until one comes back short or {@value #PURGE_ENDED_BATCHES_PER_RUN} have run (the next run goes on).
     * Answers how many went.
     */
    static int purgeEnded(DeliverWebhooksService service, Duration retention) {
        int purged = 0;
        for (int batch = 0; batch < PURGE_ENDED_BATCHES_PER_RUN; batch++) {
            int step = service.purgeEndedDeliveries(retention, PURGE_ENDED_BATCH);
            purged += step;
            if (step < PURGE_ENDED_BATCH) {
                break;
            }
        }
        if (purged > 0) {
            LOG.info("purged {} ended webhook delivery(ies) older than {} ({})", purged, retention, DELIVERY_RETENTION);
        }
        return purged;
    }

    /**
     * A deleted subscription is only marked by the request (ADR 0025, session 37): its log goes here, a step per run,
     * so that no statement cascades over a whole log while appends wait. A failed step is tried again next run.
     */
    private static void purgeAStep(DeliverWebhooksService service) {
        try {
            service.purgeRemovedSubscriptions(PURGE_BATCH);
        } catch (RuntimeException e) {
            LOG.warn("could not purge the rows of deleted webhook subscriptions this time; next run tries again", e);
        }
    }

    /**
     * db-scheduler removes a delivery's task when its retries are used up and only then calls the give-up above; a
     * database error or a dying instance in between left the delivery pending for ever. The sweep marks those dead;
     * it runs within the dispatcher, once across instances, and is idempotent should two ever overlap.
     */
    private void sweepNowAndThen(DeliverWebhooksService service) {
        if (!sweeps.due()) {
            return;
        }
        int dead = service.markDroppedDeliveriesDead(SWEEP_BATCH);
        if (dead > 0) {
            LOG.warn("{} webhook delivery(ies) whose retries ran out without being marked are dead now", dead);
        }
    }

    /**
     * When the dispatcher sweeps: at its first run, then once {@code every} has passed on the monotonic ticker. (On the
     * wall clock, a host's clock stepped back stopped the sweeps until it had caught up: ADR 0025, session 47.)
     */
    static final class SweepTurns {

        private final LongSupplier nanoTime;
        private final long every;
        private boolean swept;
        private long lastSweep;

        SweepTurns(LongSupplier nanoTime, Duration every) {
            this.nanoTime = nanoTime;
            this.every = every.toNanos();
        }

        /** Whether a sweep is due now; if so, it counts as made. */
        synchronized boolean due() {
            long now = nanoTime.getAsLong();
            if (swept && now - lastSweep < every) {
                return false;
            }
            swept = true;
            lastSweep = now;
            return true;
        }
    }

    OneTimeTask<Integer> deliverTask() {
        return deliver;
    }

    RecurringTask<Void> dispatchTask() {
        return dispatch;
    }

    RecurringTask<Void> purgeEndedTask() {
        return purgeEnded;
    }

    /**
     * One attempt per execution. An attempt put off for want of a slot is not a failure: the execution completes
     * normally and reschedules itself, which db-scheduler writes with its consecutive failures reset, and logs nothing.
     * (As a failure, every put-off added one to that count, which then backed off a later database error by up to 2^20
     * retry periods, about a year.) How long a put-off is grows while the host stays busy ({@link DeliverySlots#putOff}).
     * A delivery put off for longer than its retries may take is dead, and its task removed (ADR 0025, session 38).
     * The task's data counts the platform's own errors, see {@link DeliveryRetries}.
     */
    static final class DeliverTask extends OneTimeTask<Integer> {

        /** How soon a delivery put off while {@value Deployment#PAUSED_AFTER_RESTORE} is on is looked at again. */
        static final Duration PAUSED_LOOK_AGAIN = Duration.ofMinutes(1);

        private final DeliverWebhooksService service;
        private final DeliveryRetries retries;
        private final boolean pausedAfterRestore;

        DeliverTask(DeliverWebhooksService service, DeliveryRetries retries) {
            this(service, retries, false);
        }

        DeliverTask(DeliverWebhooksService service, DeliveryRetries retries, boolean pausedAfterRestore) {
            super(DELIVER, Integer.class, retries, new DeadExecutionHandler.ReviveDeadExecution<>());
            this.service = service;
            this.retries = retries;
            this.pausedAfterRestore = pausedAfterRestore;
        }

        @Override
        public CompletionHandler<Integer> execute(TaskInstance<Integer> instance, ExecutionContext context) {
            if (pausedAfterRestore) {
                // No attempt, none counted, no put-off counted towards its death: it waits for the switch to go off.
                return (complete, operations) -> operations.reschedule(complete,
                        complete.getTimeDone().plus(PAUSED_LOOK_AGAIN), TaskDataSerializer.readFor(DELIVER,
                                instance::getData));
            }
            DeliverWebhooksService.Outcome outcome = service.attemptOrPutOff(WebhookDeliveryId.parse(instance.getId()));
            return switch (outcome.attempt()) {
                // Not thrown: db-scheduler logged each throw in a WARN, and a failing receiver filled the log.
                case FAILED -> (complete, operations) -> retries.receiverFailed(complete, operations,
                        outcome.receiver());
                case NO_SLOT -> (complete, operations) -> {
                    // A little spread, so the put-off deliveries of one host do not all come back at once.
                    long spread = ThreadLocalRandom.current().nextLong(outcome.putOff().toMillis() / 2 + 1);
                    operations.reschedule(complete, complete.getTimeDone().plus(outcome.putOff()).plusMillis(spread),
                            TaskDataSerializer.readFor(DELIVER, instance::getData));
                };
                case PUT_OFF_TOO_LONG -> {
                    // Marked dead already (its log says why, its metric counts it), before its task goes.
                    retries.putOffTooLong(instance.getId());
                    yield new CompletionHandler.OnCompleteRemove<>();
                }
                case DELIVERED, NOTHING_TO_DO -> new CompletionHandler.OnCompleteRemove<>();
            };
        }

        @Override
        public void executeOnce(TaskInstance<Integer> instance, ExecutionContext context) {
            throw new UnsupportedOperationException("execute above is the task");
        }
    }

    /**
     * Retries. The receiver's failures complete the execution normally (as put-offs do, above) and are counted by the
     * delivery's own log: a failed attempt is retried after {@code first-retry × 2^(attempts-1)}, and after
     * {@code max-attempts} the delivery is marked dead before its task is removed, so no crash between the two can leave
     * it pending (the sweep above remains for any that were). They are said in one WARN per subscription at most per
     * {@link #RECEIVER_FAILURE_LINE_EVERY}, with the count since the last (ADR 0025, session 52: thrown to db-scheduler,
     * each was its own WARN). Anything thrown (the database, a stored row that no longer reads) is the platform's error,
     * db-scheduler's failure, counted in the task's data, which put-offs carry unchanged: it backs off the same way by
     * that count and ends dead after {@code max-attempts} too.
     */
    static final class DeliveryRetries implements FailureHandler<Integer> {

        private static final int LONGEST_DOUBLING = 20;
        static final Duration RECEIVER_FAILURE_LINE_EVERY = Duration.ofMinutes(10);
        /** Past this many subscriptions remembered, those whose interval has passed are forgotten first. */
        private static final int REMEMBERED = 1000;

        private final DeliverWebhooksService service;
        private final Duration firstRetry;
        private final int maxAttempts;
        /** By subscription: its last WARN, and the failures since. */
        private final AtMostEvery<DeliverWebhooksService.Receiver> lines;
        /**
         * By subscription, its last "dead" WARN and the deaths since; empty: deaths by the platform's own errors, whose
         * receiver is not looked up (a database outage could end many at once: one WARN per delivery was a flood).
         */
        private final AtMostEvery<Optional<DeliverWebhooksService.Receiver>> deadLines;
        /**
         * The deaths of deliveries put off too long, one WARN per interval with the count since (ADR 0025, session 54:
         * one per delivery; a host busy for a day ended them by the thousand). Their receiver is not looked up.
         */
        private final AtMostEvery<Boolean> putOffTooLongLines;

        DeliveryRetries(DeliverWebhooksService service, Duration firstRetry, int maxAttempts) {
            this(service, firstRetry, maxAttempts, System::nanoTime);
        }

        /** {@code ticker}: the monotonic ticker, in nanoseconds, a subscription's lines are spaced on (session 53). */
        DeliveryRetries(DeliverWebhooksService service, Duration firstRetry, int maxAttempts, LongSupplier ticker) {
            this.lines = new AtMostEvery<>(RECEIVER_FAILURE_LINE_EVERY, REMEMBERED, ticker, heldBack -> LOG.warn(
                    "webhook receivers of more subscriptions than the {} whose line is remembered did not take deliveries: "
                    + "{} failed attempt(s) to other subscriptions since the last such line (their delivery logs say why; "
                    + "at most one such line per {} min)", REMEMBERED, heldBack, RECEIVER_FAILURE_LINE_EVERY.toMinutes()));
            this.deadLines = new AtMostEvery<>(RECEIVER_FAILURE_LINE_EVERY, REMEMBERED, ticker, heldBack -> LOG.warn(
                    "webhook deliveries to more subscriptions than the {} whose line is remembered are dead: {} more dead "
                    + "to other subscriptions since the last such line (at most one such line per {} min)", REMEMBERED,
                    heldBack, RECEIVER_FAILURE_LINE_EVERY.toMinutes()));
            this.putOffTooLongLines = new AtMostEvery<>(RECEIVER_FAILURE_LINE_EVERY, 1, ticker);
            this.service = service;
            this.firstRetry = firstRetry;
            this.maxAttempts = maxAttempts;
        }

        /** The receiver did not take the attempt (its log says why): retried, or dead after the maximum. */
        void receiverFailed(ExecutionComplete complete, ExecutionOperations<Integer> operations,
                            Optional<DeliverWebhooksService.Receiver> receiver) {
            Instant now = complete.getTimeDone();
            String id = complete.getExecution().taskInstance.getId();
            // Read as this job's, so data read as none is counted under deliver-webhook, not "other" (ADR 0024).
            Integer errorsSoFar = (Integer) TaskDataSerializer.readFor(DELIVER,
                    complete.getExecution().taskInstance::getData);
            int attempts = service.attemptsMade(WebhookDeliveryId.parse(id));
            if (attempts >= maxAttempts) {
                service.giveUpAfterAttempts(WebhookDeliveryId.parse(id));
                gaveUp(id, operations, attempts + " attempt(s)", receiver, null);
                return;
            }
            receiver.ifPresent(failed -> sayNowAndThen(failed, id, attempts));
            operations.reschedule(complete, now.plus(backoff(attempts)), errorsSoFar);
        }

        /** A delivery put off with no attempt for longer than its retries may take is dead: said at most once an interval. */
        void putOffTooLong(String id) {
            putOffTooLongLines.sayNow(true).ifPresent(since -> LOG.warn("webhook delivery {} is dead: put off with no "
                    + "attempt for longer than its retries may take; {} more dead so since the last line (at most one "
                    + "line per {} min)", id, since, RECEIVER_FAILURE_LINE_EVERY.toMinutes()));
        }

        /**
         * The counts held back by the receiver, dead and put-off-death lines whose events stopped, once quiet for a
         * {@link #RECEIVER_FAILURE_LINE_EVERY} (ADR 0025, amended in session 55: before, in no line). Asked by the
         * dispatcher at each of its runs on this instance.
         */
        void sayHeldBackLines() {
            for (AtMostEvery.Expired<DeliverWebhooksService.Receiver> quiet : lines.sayExpired()) {
                LOG.warn("webhook receiver at {} of team {}: {} more failed attempt(s) to this subscription since its last "
                        + "line, and none since for {} min (its delivery log says why)", quiet.key().target().host(),
                        quiet.key().team().value(), quiet.heldBack(), RECEIVER_FAILURE_LINE_EVERY.toMinutes());
            }
            for (AtMostEvery.Expired<Optional<DeliverWebhooksService.Receiver>> quiet : deadLines.sayExpired()) {
                LOG.warn("webhook deliveries {}: {} more dead since the last line, and none since for {} min",
                        quiet.key().map(r -> "to the receiver at " + r.target().host() + " of team " + r.team().value())
                                .orElse("dead by the platform's own errors"), quiet.heldBack(),
                        RECEIVER_FAILURE_LINE_EVERY.toMinutes());
            }
            for (AtMostEvery.Expired<Boolean> quiet : putOffTooLongLines.sayExpired()) {
                LOG.warn("webhook deliveries put off with no attempt for longer than their retries may take: {} more dead "
                        + "so since the last line, and none since for {} min", quiet.heldBack(),
                        RECEIVER_FAILURE_LINE_EVERY.toMinutes());
            }
        }

        /** One WARN per subscription at most per interval; its target's host only (a URL may hold a token). */
        private void sayNowAndThen(DeliverWebhooksService.Receiver receiver, String id, int attempts) {
            OptionalLong since = lines.sayNow(receiver);
            if (since.isEmpty()) {
                return;
            }
            LOG.warn("webhook receiver at {} of team {} did not take delivery {} (attempt {}, retried; its delivery log says "
                    + "why); {} more failed attempt(s) to this subscription since its last line (at most one line per "
                    + "subscription per {} min)", receiver.target().host(), receiver.team().value(), id, attempts,
                    since.getAsLong(), RECEIVER_FAILURE_LINE_EVERY.toMinutes());
        }

        @Override
        public void onFailure(ExecutionComplete complete, ExecutionOperations<Integer> operations) {
            Instant now = complete.getTimeDone();
            String id = complete.getExecution().taskInstance.getId();
            // Read as this job's, so data read as none is counted under deliver-webhook, not "other" (ADR 0024).
            Integer errorsSoFar = (Integer) TaskDataSerializer.readFor(DELIVER,
                    complete.getExecution().taskInstance::getData);
            Throwable cause = complete.getCause().orElse(null);
            int errors = (errorsSoFar == null ? 0 : errorsSoFar) + 1;
            if (errors >= maxAttempts) {
                service.giveUpAfterPlatformErrors(WebhookDeliveryId.parse(id), errors);
                gaveUp(id, operations, errors + " error(s) of the platform's own", Optional.empty(), cause);
                return;
            }
            operations.reschedule(complete, now.plus(backoff(errors)), errors);
        }

        /**
         * The task removed, and one WARN per subscription at most per interval, with the deaths since its last (ADR 0025,
         * session 53: one per delivery); the cause's class and fixed words, not its trace ({@link FailureWords}).
         */
        private void gaveUp(String id, ExecutionOperations<Integer> operations, String after,
                            Optional<DeliverWebhooksService.Receiver> receiver, Throwable cause) {
            operations.remove();
            OptionalLong since = deadLines.sayNow(receiver);
            if (since.isEmpty()) {
                return;
            }
            String whose = receiver.map(r -> " to the receiver at " + r.target().host() + " of team " + r.team().value())
                    .orElse("");
            String why = cause == null ? "" : " (last: " + FailureWords.of(cause) + ")";
            LOG.warn("webhook delivery {} is dead after {}{}{}; {} more dead {} since its last line (at most one line per "
                    + "subscription per {} min)", id, after, whose, why, since.getAsLong(),
                    receiver.isPresent() ? "to this subscription" : "by the platform's own errors",
                    RECEIVER_FAILURE_LINE_EVERY.toMinutes());
        }

        /** Every count held back, whatever its interval, as this instance stops ({@link #sayHeldLinesAtStop()}). */
        void sayAllHeldLines() {
            for (AtMostEvery.Expired<DeliverWebhooksService.Receiver> held : lines.sayAllHeld()) {
                LOG.warn("webhook receiver at {} of team {}: {} more failed attempt(s) to this subscription since its last "
                        + "line, said as this instance stops (its delivery log says why)", held.key().target().host(),
                        held.key().team().value(), held.heldBack());
            }
            for (AtMostEvery.Expired<Optional<DeliverWebhooksService.Receiver>> held : deadLines.sayAllHeld()) {
                LOG.warn("webhook deliveries {}: {} more dead since the last line, said as this instance stops",
                        held.key().map(r -> "to the receiver at " + r.target().host() + " of team " + r.team().value())
                                .orElse("dead by the platform's own errors"), held.heldBack());
            }
            for (AtMostEvery.Expired<Boolean> held : putOffTooLongLines.sayAllHeld()) {
                LOG.warn("webhook deliveries put off with no attempt for longer than their retries may take: {} more dead "
                        + "so since the last line, said as this instance stops", held.heldBack());
            }
        }

        private Duration backoff(int failures) {
            return firstRetry.multipliedBy(1L << Math.min(Math.max(failures, 1) - 1, LONGEST_DOUBLING));
        }
    }
}
