package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.persistence.PostgresAdapterFactory;
import org.vpsrecovery.adapters.persistence.webhook.DeliveryRowRepository;
import org.vpsrecovery.application.webhook.DeliverWebhooksService;
import org.vpsrecovery.domain.webhook.WebhookDeliveryId;

/**
 * Webhook delivery on db-scheduler (ADR 0025). A recurring job hands each new outbox row to
 * db-scheduler as a one-time task instance named by the delivery id; that task makes one attempt,
 * and a failed attempt is retried by db-scheduler's own failure handlers: exponential backoff from
 * {@code first-retry}, doubling, and after {@code max-attempts} the delivery is given up (dead); see
 * {@link DeliveryRetries}.
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

    private volatile Instant lastSweep = Instant.EPOCH;

    private final OneTimeTask<Void> deliver;
    private final RecurringTask<Void> dispatch;

    public WebhookJobs(DataSource dataSource, DeliverWebhooksService service,
                       @Value("${vpsr.webhooks.dispatch-every:1s}") Duration dispatchEvery,
                       @Value("${" + WebhooksFactory.FIRST_RETRY + ":30s}") Duration firstRetry,
                       @Value("${" + WebhooksFactory.MAX_ATTEMPTS + ":8}") int maxAttempts,
                       @Value("${" + WebhooksFactory.NO_SLOT_RETRY + ":2s}") Duration noSlotRetry) {
        if (maxAttempts < 1 || firstRetry.isNegative() || firstRetry.isZero()) {
            throw new StartupRefused(WebhooksFactory.MAX_ATTEMPTS + " must be at least 1 and "
                    + WebhooksFactory.FIRST_RETRY + " positive");
        }
        if (noSlotRetry.isNegative() || noSlotRetry.isZero()) {
            throw new StartupRefused(WebhooksFactory.NO_SLOT_RETRY + " must be positive");
        }
        this.deliver = Tasks.oneTime(DELIVER)
                .onFailure(new DeliveryRetries(service, firstRetry, maxAttempts, noSlotRetry))
                .execute((instance, context) -> {
                    switch (service.attempt(WebhookDeliveryId.parse(instance.getId()))) {
                        case FAILED -> throw new AttemptFailed(instance.getId());
                        case NO_SLOT -> throw new NoSlot();
                        case DELIVERED, NOTHING_TO_DO -> { }
                    }
                });
        SchedulerClient client = SchedulerClient.Builder.create(PostgresAdapterFactory.pooled(dataSource), deliver).build();
        this.dispatch = Tasks.recurring(DISPATCH, FixedDelay.of(dispatchEvery)).execute((instance, context) -> {
            service.dispatch(DISPATCH_BATCH, ids -> ids.forEach(id ->
                    client.scheduleIfNotExists(deliver.instance(id.toString()), Instant.now())));
            sweepNowAndThen(service);
            purgeAStep(service);
        });
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
        Instant now = Instant.now();
        if (Duration.between(lastSweep, now).compareTo(SWEEP_EVERY) < 0) {
            return;
        }
        lastSweep = now;
        int dead = service.markDroppedDeliveriesDead(SWEEP_BATCH);
        if (dead > 0) {
            LOG.warn("{} webhook delivery(ies) whose retries ran out without being marked are dead now", dead);
        }
    }

    OneTimeTask<Void> deliverTask() {
        return deliver;
    }

    RecurringTask<Void> dispatchTask() {
        return dispatch;
    }

    /**
     * Retries counted by the delivery's own log, not by db-scheduler's consecutive failures: an attempt put off for want
     * of a slot ({@link NoSlot}) goes through the failure handler too (a reschedule as a success would reset the count),
     * and must neither count nor back off. A failed attempt is retried after {@code first-retry × 2^(attempts-1)};
     * after {@code max-attempts} the delivery is marked dead before its task is removed, so no crash between the
     * two can leave it pending (the sweep above remains for any that were). Anything else thrown (the database) is
     * retried with the same backoff over db-scheduler's count.
     */
    static final class DeliveryRetries implements FailureHandler<Void> {

        private static final int LONGEST_DOUBLING = 20;

        private final DeliverWebhooksService service;
        private final Duration firstRetry;
        private final int maxAttempts;
        private final Duration noSlotRetry;

        DeliveryRetries(DeliverWebhooksService service, Duration firstRetry, int maxAttempts, Duration noSlotRetry) {
            this.service = service;
            this.firstRetry = firstRetry;
            this.maxAttempts = maxAttempts;
            this.noSlotRetry = noSlotRetry;
        }

        @Override
        public void onFailure(ExecutionComplete complete, ExecutionOperations<Void> operations) {
            Instant now = complete.getTimeDone();
            String id = complete.getExecution().taskInstance.getId();
            Throwable cause = complete.getCause().orElse(null);
            if (cause instanceof NoSlot) {
                // A little spread, so the put-off deliveries of one host do not all come back at once.
                long spread = ThreadLocalRandom.current().nextLong(noSlotRetry.toMillis() / 2 + 1);
                operations.reschedule(complete, now.plus(noSlotRetry).plusMillis(spread));
                return;
            }
            int failures = cause instanceof AttemptFailed
                    ? service.attemptsMade(WebhookDeliveryId.parse(id))
                    : complete.getExecution().consecutiveFailures + 1;
            if (cause instanceof AttemptFailed && failures >= maxAttempts) {
                service.giveUp(WebhookDeliveryId.parse(id));
                operations.remove();
                LOG.warn("webhook delivery {} is dead after {} attempt(s)", id, failures);
                return;
            }
            long doublings = Math.min(Math.max(failures, 1) - 1, LONGEST_DOUBLING);
            operations.reschedule(complete, now.plus(firstRetry.multipliedBy(1L << doublings)));
        }
    }

    /** No slot for the attempt (DeliverySlots): put off, not failed. */
    static final class NoSlot extends RuntimeException {
        NoSlot() {
            super("no delivery slot free; the attempt is put off", null, false, false);
        }
    }

    /** Tells db-scheduler the attempt failed, so its failure handler schedules the next; the log row says why. */
    static final class AttemptFailed extends RuntimeException {
        AttemptFailed(String deliveryId) {
            super("webhook delivery " + deliveryId + " was not accepted; see its delivery log", null, false, false);
        }
    }
}
