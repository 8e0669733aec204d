package org.vpsrecovery.adapters.persistence.webhook;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.vpsrecovery.domain.port.WebhookDeliveries;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface DeliveryRowRepository extends GenericRepository<DeliveryRow, UUID> {

    /** db-scheduler's name of the one-time task of a delivery, whose instance id is the delivery's id (bootstrap). */
    String DELIVERY_TASK = "deliver-webhook";

    Optional<DeliveryRow> findById(UUID id);

    /**
     * A removed subscription's deliveries are not handed over: they wait for the purge. Round-robin between teams: each
     * team's oldest, then each team's second, so a team's flood takes one place per round (ADR 0025, session 49). The
     * window ranks every undispatched row (V7's partial index holds only those), which is the backlog, not the log.
     */
    @Query("SELECT d.* FROM webhook_delivery d JOIN (SELECT u.id, row_number() OVER (PARTITION BY s.team"
            + " ORDER BY u.created_at, u.audit_sequence) AS team_round FROM webhook_delivery u JOIN webhook_subscription s"
            + " ON s.id = u.subscription_id AND s.deleted_at IS NULL WHERE NOT u.dispatched) r ON r.id = d.id"
            + " ORDER BY r.team_round, d.created_at, d.audit_sequence LIMIT :limit")
    List<DeliveryRow> undispatched(int limit);

    @Query("UPDATE webhook_delivery SET dispatched = true WHERE id IN (:ids)")
    long markDispatched(List<UUID> ids);

    /** Only a pending delivery takes attempts: a delivered or dead one stays as it ended. An attempt ends a run of put-offs. */
    @Query("""
            UPDATE webhook_delivery SET attempts = attempts + 1, last_attempt_at = :at, put_off_since = NULL,
                last_status = CAST(:status AS smallint), last_error = CAST(:error AS text),
                state = CASE WHEN :delivered THEN 'delivered' ELSE state END,
                delivered_at = CASE WHEN :delivered THEN :at ELSE delivered_at END
            WHERE id = :id AND state = 'pending'""")
    long recordAttempt(UUID id, Instant at, @Nullable Integer status, @Nullable String error, boolean delivered);

    @Query("UPDATE webhook_delivery SET state = 'dead' WHERE id = :id AND state = 'pending'")
    long markDead(UUID id);

    /** Dead for the platform's reason, as its last error; its attempts and last status stay as they were. */
    @Query("UPDATE webhook_delivery SET state = 'dead', last_error = :reason WHERE id = :id AND state = 'pending'")
    long markDeadFor(UUID id, String reason);

    /**
     * A pending, dispatched delivery with no row in db-scheduler's table (V6) was dropped by it. Dispatching schedules
     * before it marks dispatched, so a dispatched one's task, if it still exists, is seen; the outer state check
     * leaves one that was delivered or died meanwhile as it is. Its last error says the platform ended it, then the
     * last attempt's (ADR 0025, session 49). A removed subscription's are left to the purge. The
     * candidates come from V57's partial index, not from the whole log.
     */
    @Query("UPDATE webhook_delivery SET state = 'dead', last_error = left('"
            + WebhookDeliveries.DROPPED_BY_THE_SCHEDULER
            + "' || coalesce('; the last attempt: ' || last_error, ''), " + WebhookDeliveries.MAX_ERROR + ")"
            + " WHERE state = 'pending' AND id IN ("
            + "SELECT d.id FROM webhook_delivery d WHERE d.state = 'pending' AND d.dispatched AND NOT EXISTS ("
            + "SELECT 1 FROM scheduled_tasks t WHERE t.task_name = '" + DELIVERY_TASK + "'"
            + " AND t.task_instance = CAST(d.id AS text)) AND EXISTS (SELECT 1 FROM webhook_subscription s"
            + " WHERE s.id = d.subscription_id AND s.deleted_at IS NULL) LIMIT :limit)")
    long markDeadWhenUnscheduled(int limit);

    @Query("SELECT d.* FROM webhook_delivery d WHERE d.subscription_id = :subscriptionId AND EXISTS (SELECT 1 FROM"
            + " webhook_subscription s WHERE s.id = d.subscription_id AND s.deleted_at IS NULL)"
            + " ORDER BY d.audit_sequence DESC, d.id LIMIT :limit")
    List<DeliveryRow> log(UUID subscriptionId, int limit);
}
