package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.persistence.PostgresAdapterFactory;
import org.vpsrecovery.application.attempt.ReconcilePendingIntentsService;
import org.vpsrecovery.application.operation.TrackOperationsService;
import org.vpsrecovery.domain.port.IdempotencyRecords;

/**
 * The jobs over shared state, each run once across every instance by db-scheduler (its table
 * {@code scheduled_tasks}, migration V6): following open operations at VPS.org, settling intents no
 * operation follows, purging expired idempotency records, and sending webhooks ({@link WebhookJobs}, ADR
 * 0025). A run missed while every instance was down happens once at the next start, not once per
 * missed tick. ADR 0024.
 */
@Context
public class ClusterJobs {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterJobs.class);

    static final String TRACK_OPERATIONS = "track-operations";
    static final String RECONCILE_INTENTS = "reconcile-intents";
    static final String PURGE_IDEMPOTENCY = "purge-idempotency-records";

    private final Scheduler scheduler;

    public ClusterJobs(DataSource dataSource, TrackOperationsService tracker, ReconcilePendingIntentsService reconciler,
                       IdempotencyRecords idempotencyRecords,
                       @Value("${vpsr.tracking.every:5s}") Duration trackEvery,
                       @Value("${vpsr.reconcile.every:1m}") Duration reconcileEvery,
                       @Value("${vpsr.idempotency.purge-every:1h}") Duration purgeEvery,
                       @Value("${vpsr.jobs.polling-interval:1s}") Duration pollingInterval,
                       @Value("${vpsr.jobs.heartbeat:5s}") Duration heartbeat,
                       WebhookJobs webhooks) {
        List<RecurringTask<Void>> tasks = List.of(webhooks.dispatchTask(),
                Tasks.recurring(TRACK_OPERATIONS, FixedDelay.of(trackEvery)).execute((instance, context) -> {
                    int moved = tracker.tick();
                    if (moved > 0) {
                        LOG.info("tracking moved {} operation(s)", moved);
                    }
                }),
                Tasks.recurring(RECONCILE_INTENTS, FixedDelay.of(reconcileEvery)).execute((instance, context) -> {
                    int closed = reconciler.reconcile(100);
                    if (closed > 0) {
                        LOG.info("reconciled {} intent(s) whose outcome was never recorded", closed);
                    }
                }),
                Tasks.recurring(PURGE_IDEMPOTENCY, FixedDelay.of(purgeEvery))
                        .execute((instance, context) -> idempotencyRecords.purgeExpired()));
        this.scheduler = Scheduler.create(PostgresAdapterFactory.pooled(dataSource), webhooks.deliverTask())
                .startTasks(tasks)
                .pollingInterval(pollingInterval)
                // A killed instance's runs (tracking, a webhook attempt) are revived after 6 missed
                // heartbeats: 30 s, not the library's 30 min, or tracking stops that long.
                .heartbeatInterval(heartbeat)
                // Webhook attempts (each bounded by its timeouts) must not keep tracking waiting.
                .threads(4)
                .shutdownMaxWait(Duration.ofSeconds(10))
                .build();
        scheduler.start();
    }

    @PreDestroy
    void stop() {
        scheduler.stop();
    }
}
