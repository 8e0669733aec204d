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
     * team's oldest, then each team's second, so a team's flood takes one place per round (ADR 0025, session 49). No
     * team has more than {@code limit} places, so each team's oldest {@code limit} are ranked, taken through V69's
     * index as each of its subscriptions' oldest {@code limit}: at most subscriptions × limit index entries a run, never
     * the whole backlog; the rows themselves are read for the batch only (session 50, docs/benchmarks.md).
     */
    @Query("SELECT d.* FROM (SELECT r.id, r.team_round, r.created_at, r.audit_sequence"
            + " FROM (SELECT DISTINCT team FROM webhook_subscription WHERE deleted_at IS NULL) t"
            + " CROSS JOIN LATERAL (SELECT o.id, o.created_at, o.audit_sequence,"
            + " row_number() OVER (ORDER BY o.created_at, o.audit_sequence, o.id) AS team_round"
            + " FROM (SELECT u.id, u.created_at, u.audit_sequence FROM webhook_subscription s CROSS JOIN LATERAL ("
            + "SELECT w.id, w.created_at, w.audit_sequence FROM webhook_delivery w"
            + " WHERE w.subscription_id = s.id AND NOT w.dispatched ORDER BY w.created_at, w.audit_sequence LIMIT :limit) u"
            + " WHERE s.team = t.team AND s.deleted_at IS NULL ORDER BY u.created_at, u.audit_sequence, u.id LIMIT :limit) o) r"
            + " ORDER BY r.team_round, r.created_at, r.audit_sequence, r.id LIMIT :limit) p"
            + " JOIN webhook_delivery d ON d.id = p.id ORDER BY p.team_round, p.created_at, p.audit_sequence, p.id")
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
     * candidates come from V57's partial index, not from the whole log, picked once in an InitPlan
     * ({@code = ANY(ARRAY(...))}): an {@code IN (...)} sub-select may run again per outer row (session 54). In the
     * index's order, rows another sweep or an attempt's record holds skipped, not waited for (session 55).
     */
    @Query("UPDATE webhook_delivery SET state = 'dead', last_error = left('"
            + WebhookDeliveries.DROPPED_BY_THE_SCHEDULER
            + "' || coalesce('; the last attempt: ' || last_error, ''), " + WebhookDeliveries.MAX_ERROR + ")"
            + " WHERE state = 'pending' AND id = ANY(ARRAY("
            + "SELECT d.id FROM webhook_delivery d WHERE d.state = 'pending' AND d.dispatched AND NOT EXISTS ("
            + "SELECT 1 FROM scheduled_tasks t WHERE t.task_name = '" + DELIVERY_TASK + "'"
            + " AND t.task_instance = CAST(d.id AS text)) AND EXISTS (SELECT 1 FROM webhook_subscription s"
            + " WHERE s.id = d.subscription_id AND s.deleted_at IS NULL)"
            + " ORDER BY d.id LIMIT :limit FOR NO KEY UPDATE OF d SKIP LOCKED))")
    long markDeadWhenUnscheduled(int limit);

    /** A page of the log, newest first, before a sequence: V7's {@code webhook_delivery_log} index, read in its order. */
    @Query("SELECT d.* FROM webhook_delivery d WHERE d.subscription_id = :subscriptionId AND d.audit_sequence < :before"
            + " AND EXISTS (SELECT 1 FROM webhook_subscription s WHERE s.id = d.subscription_id AND s.deleted_at IS NULL)"
            + " ORDER BY d.audit_sequence DESC LIMIT :limit")
    List<DeliveryRow> log(UUID subscriptionId, long before, int limit);

    /** The same, of one state: V69's {@code webhook_delivery_log_by_state} index, read in its order. */
    @Query("SELECT d.* FROM webhook_delivery d WHERE d.subscription_id = :subscriptionId AND d.audit_sequence < :before"
            + " AND d.state = :state AND EXISTS (SELECT 1 FROM webhook_subscription s WHERE s.id = d.subscription_id"
            + " AND s.deleted_at IS NULL) ORDER BY d.audit_sequence DESC LIMIT :limit")
    List<DeliveryRow> logInState(UUID subscriptionId, String state, long before, int limit);
}
