package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
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
 * {@code first-retry}, doubling, and after {@code max-attempts} the delivery is given up (dead).
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

    private volatile Instant lastSweep = Instant.EPOCH;

    private final OneTimeTask<Void> deliver;
    private final RecurringTask<Void> dispatch;

    public WebhookJobs(DataSource dataSource, DeliverWebhooksService service,
                       @Value("${vpsr.webhooks.dispatch-every:1s}") Duration dispatchEvery,
                       @Value("${" + WebhooksFactory.FIRST_RETRY + ":30s}") Duration firstRetry,
                       @Value("${" + WebhooksFactory.MAX_ATTEMPTS + ":8}") int maxAttempts) {
        if (maxAttempts < 1 || firstRetry.isNegative() || firstRetry.isZero()) {
            throw new StartupRefused(WebhooksFactory.MAX_ATTEMPTS + " must be at least 1 and "
                    + WebhooksFactory.FIRST_RETRY + " positive");
        }
        this.deliver = Tasks.oneTime(DELIVER)
                .onFailure(new FailureHandler.MaxRetriesFailureHandler<>(maxAttempts - 1,
                        new FailureHandler.ExponentialBackoffFailureHandler<>(firstRetry, 2.0),
                        (complete, operations) -> {
                            String id = complete.getExecution().taskInstance.getId();
                            service.giveUp(WebhookDeliveryId.parse(id));
                            LOG.warn("webhook delivery {} is dead after {} attempt(s)", id, maxAttempts);
                        }))
                .execute((instance, context) -> {
                    if (service.attempt(WebhookDeliveryId.parse(instance.getId())) == DeliverWebhooksService.Attempt.FAILED) {
                        throw new AttemptFailed(instance.getId());
                    }
                });
        SchedulerClient client = SchedulerClient.Builder.create(PostgresAdapterFactory.pooled(dataSource), deliver).build();
        this.dispatch = Tasks.recurring(DISPATCH, FixedDelay.of(dispatchEvery)).execute((instance, context) -> {
            service.dispatch(DISPATCH_BATCH, ids -> ids.forEach(id ->
                    client.scheduleIfNotExists(deliver.instance(id.toString()), Instant.now())));
            sweepNowAndThen(service);
        });
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

    /** Tells db-scheduler the attempt failed, so its failure handler schedules the next; the log row says why. */
    static final class AttemptFailed extends RuntimeException {
        AttemptFailed(String deliveryId) {
            super("webhook delivery " + deliveryId + " was not accepted; see its delivery log", null, false, false);
        }
    }
}
