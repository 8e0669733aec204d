package org.vpsrecovery.adapters.persistence;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import io.micronaut.data.repository.jpa.JpaSpecificationExecutor;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The reads of {@code audit_event}. The filtered pages are criteria queries
 * ({@link AuditEventRows#page}); the rest is SQL kept by hand for the plans of V4 (ADR 0020, 0030).
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AuditEventRowRepository extends GenericRepository<AuditEventRow, Long>,
        JpaSpecificationExecutor<AuditEventRow> {

    /**
     * Intents without a final outcome of the same attempt (AuditEvent#sameAttemptAs): by attempt id,
     * or by request id and operation for rows written before there was one. Served by the partial
     * index of intents and audit_event_attempt / audit_event_request. Not those an open operation
     * follows: the tracker ends them, and they would fill the page ahead of those reconciliation can
     * settle (the open states: the partial index of V6).
     */
    @Query("""
            SELECT intent.* FROM audit_event intent
            WHERE intent.outcome_kind = 'ACCEPTED' AND intent.occurred_at < :acceptedBefore
              AND NOT EXISTS (SELECT 1 FROM audit_event outcome
                  WHERE (CASE WHEN intent.detail->>'attempt_id' IS NOT NULL
                         THEN outcome.detail->>'attempt_id' = intent.detail->>'attempt_id'
                         ELSE outcome.detail->>'attempt_id' IS NULL AND outcome.request_id = intent.request_id
                              AND outcome.operation = intent.operation END)
                    AND outcome.sequence > intent.sequence
                    AND outcome.outcome_kind IN ('COMPLETED', 'FAILED', 'UNVERIFIABLE'))
              AND NOT EXISTS (SELECT 1 FROM recovery_operation open_operation
                  WHERE open_operation.state IN ('accepted', 'in_progress', 'unresolved', 'awaiting_safety_snapshot')
                    AND open_operation.id::text = intent.detail->>'attempt_id')
            ORDER BY intent.sequence LIMIT :limit""")
    List<AuditEventRow> pendingIntents(Instant acceptedBefore, int limit);

    /**
     * The period's counts recomputed from the events, grouped in one pass of the covering index
     * audit_event_time_summary (index-only): the summary reads only the partial days at a period's
     * edges this way ({@link #dailySummary} has the whole days). {@code unit} is "day" or "month",
     * never caller text.
     */
    @Query("""
            SELECT date_trunc(:unit, occurred_at, 'UTC') AS bucket, team, operation, outcome_kind, outcome_reason,
                count(*) AS events
            FROM audit_event
            WHERE occurred_at >= :from AND occurred_at < :to AND (CAST(:team AS text) IS NULL OR team = :team)
            GROUP BY 1, 2, 3, 4, 5""")
    List<SummaryRow> summary(String unit, Instant from, Instant to, @Nullable String team);

    /**
     * The counts of the whole UTC days {@code [fromDay, toDay)} from the pre-aggregates of V28, in the
     * same buckets and groups as {@link #summary}.
     */
    @Query("""
            SELECT date_trunc(:unit, day::timestamp) AT TIME ZONE 'UTC' AS bucket, team, operation, outcome_kind,
                outcome_reason, CAST(sum(events) AS bigint) AS events
            FROM audit_daily_count
            WHERE day >= :fromDay AND day < :toDay AND (CAST(:team AS text) IS NULL OR team = :team)
            GROUP BY 1, 2, 3, 4, 5""")
    List<SummaryRow> dailySummary(String unit, LocalDate fromDay, LocalDate toDay, @Nullable String team);

    /** The counts of the whole UTC months {@code [fromMonth, toMonth)} (first days) by month, from V28's month rows. */
    @Query("""
            SELECT day::timestamp AT TIME ZONE 'UTC' AS bucket, team, operation, outcome_kind, outcome_reason, events
            FROM audit_monthly_count
            WHERE day >= :fromMonth AND day < :toMonth AND (CAST(:team AS text) IS NULL OR team = :team)""")
    List<SummaryRow> monthlySummary(LocalDate fromMonth, LocalDate toMonth, @Nullable String team);

    /** Each max() is one backward probe of audit_event_server_completed. */
    @Query("""
            SELECT s.id AS server_id,
                greatest((SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'CREATE_SNAPSHOT'),
                         (SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'CREATE_MANUAL_BACKUP')) AS last_create,
                greatest((SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'RESTORE_SNAPSHOT'),
                         (SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'RESTORE_SERVER_FROM_BACKUP')) AS last_restore
            FROM unnest(CAST(ARRAY[:servers] AS bigint[])) AS s(id)""")
    List<ActivityRow> recoveryActivity(List<Long> servers);

    /** Stored hashes by primary key (at most ChainPositions.MAX_LOOKUP), for checking checkpoints. */
    @Query("SELECT sequence, hash FROM audit_event WHERE sequence IN (:sequences)")
    List<SequenceHash> hashesAt(List<Long> sequences);

    /** One row's position and hash. */
    @Introspected
    record SequenceHash(long sequence, byte[] hash) {
    }

    /** One group of the summary. */
    @Introspected
    record SummaryRow(Instant bucket, String team, String operation, String outcomeKind,
                      @Nullable String outcomeReason, long events) {
    }

    /** One server's last completed create and restore. */
    @Introspected
    record ActivityRow(long serverId, @Nullable Instant lastCreate, @Nullable Instant lastRestore) {
    }
}
