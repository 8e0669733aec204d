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
import java.util.Optional;

/**
 * The reads of {@code audit_event}. The filtered pages are criteria queries
 * ({@link AuditEventRows#page}); the rest is SQL kept by hand for the plans of V4 (ADR 0020, 0030). The
 * summary's counts are read by {@link AuditSummaryCounts} (ADR 0053).
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AuditEventRowRepository extends GenericRepository<AuditEventRow, Long>,
        JpaSpecificationExecutor<AuditEventRow> {

    /**
     * An intent's final outcome of the same attempt (AuditEvent#sameAttemptAs): by attempt id, or by request
     * id and operation for rows written before there was one. Each branch is one index probe: V47's
     * {@code audit_event_final_outcome_attempt} by attempt id, V1's {@code audit_event_request} by request and
     * operation. A CASE matching both ways walked the primary key from the intent to its outcome, minutes of
     * events apart when VPS.org takes minutes, and to the history's end for an attempt still open (ADR 0107).
     */
    String FINAL_OUTCOME_OF_INTENT = """
            (CASE WHEN intent.detail->>'attempt_id' IS NOT NULL
                THEN EXISTS (SELECT 1 FROM audit_event outcome
                    WHERE (outcome.detail->>'attempt_id') = (intent.detail->>'attempt_id')
                      AND (outcome.detail->>'attempt_id') IS NOT NULL
                      AND outcome.outcome_kind IN ('COMPLETED', 'FAILED', 'UNVERIFIABLE')
                      AND outcome.sequence > intent.sequence)
                ELSE EXISTS (SELECT 1 FROM audit_event outcome
                    WHERE outcome.request_id = intent.request_id AND outcome.operation = intent.operation
                      AND outcome.sequence > intent.sequence
                      AND outcome.detail->>'attempt_id' IS NULL
                      AND outcome.outcome_kind IN ('COMPLETED', 'FAILED', 'UNVERIFIABLE')) END)""";

    /**
     * Intents from {@code from} on without a final outcome. Not those an open operation follows: the
     * tracker ends them, and they would fill the page ahead of those reconciliation can settle (the open
     * states: the partial index of V6). {@code from} keeps the walk to the history's unsettled end
     * ({@link AuditEventRows#pendingIntents}); without it every run walked every intent ever written.
     */
    @Query("""
            SELECT intent.* FROM audit_event intent
            WHERE intent.sequence >= :from AND intent.outcome_kind = 'ACCEPTED' AND intent.occurred_at < :acceptedBefore
              AND NOT\s""" + FINAL_OUTCOME_OF_INTENT + """

              AND NOT EXISTS (SELECT 1 FROM recovery_operation open_operation
                  WHERE open_operation.state IN ('accepted', 'in_progress', 'unresolved', 'awaiting_safety_snapshot')
                    AND open_operation.id::text = intent.detail->>'attempt_id')
            ORDER BY intent.sequence LIMIT :limit""")
    List<AuditEventRow> pendingIntents(long from, Instant acceptedBefore, int limit);

    /** The first intent from {@code from} to {@code upTo} without a final outcome, whatever follows it. */
    @Query("""
            SELECT intent.sequence FROM audit_event intent
            WHERE intent.sequence >= :from AND intent.sequence <= :upTo AND intent.outcome_kind = 'ACCEPTED'
              AND NOT\s""" + FINAL_OUTCOME_OF_INTENT + """

            ORDER BY intent.sequence LIMIT 1""")
    Optional<Long> firstUnsettledIntent(long from, long upTo);

    /** Reconciliation's stored mark (V66; ADR 0076, amended in session 46). */
    @Query("SELECT settled_below, head_sequence, head_hash FROM intent_walk_mark WHERE id = 1")
    Optional<IntentWalkMark> intentWalkMark();

    /**
     * Moves the mark from {@code known} (as read) to the new one; 0 rows when another reader moved it meanwhile, whose
     * mark is as true as this one (ADR 0076, amended in session 46).
     */
    @Query("""
            UPDATE intent_walk_mark SET settled_below = :settledBelow, head_sequence = :headSequence, head_hash = :headHash
            WHERE id = 1 AND settled_below = :knownSettledBelow AND head_sequence = :knownHeadSequence""")
    long moveIntentWalkMark(long settledBelow, long headSequence, byte[] headHash, long knownSettledBelow,
                            long knownHeadSequence);

    /** The newest restore intent's time and its first final outcome's kind and reason (ADR 0024, session 50). */
    String LAST_RESTORE_REQUESTED_COLUMNS = """
            intent.occurred_at AS restore_requested_at, ending.outcome_kind AS restore_outcome_kind,
                ending.outcome_reason AS restore_outcome_reason
            """;

    /**
     * The first final outcome of the restore {@code intent} (after a lateral read of it): by attempt id through V47's
     * index, or, for an intent written before there was one, by request id and operation through V1's, as
     * {@link #FINAL_OUTCOME_OF_INTENT} matches them; each arm is skipped when it is not the intent's.
     */
    String FIRST_FINAL_OUTCOME_OF_RESTORE_INTENT = """
            LEFT JOIN LATERAL (
                (SELECT o.sequence, o.outcome_kind, o.outcome_reason FROM audit_event o
                 WHERE (intent.detail->>'attempt_id') IS NOT NULL
                   AND (o.detail->>'attempt_id') = (intent.detail->>'attempt_id') AND (o.detail->>'attempt_id') IS NOT NULL
                   AND o.outcome_kind IN ('COMPLETED', 'FAILED', 'UNVERIFIABLE') AND o.sequence > intent.sequence
                 ORDER BY o.sequence LIMIT 1)
                UNION ALL
                (SELECT o.sequence, o.outcome_kind, o.outcome_reason FROM audit_event o
                 WHERE (intent.detail->>'attempt_id') IS NULL
                   AND o.request_id = intent.request_id AND o.operation = intent.operation
                   AND o.sequence > intent.sequence AND o.detail->>'attempt_id' IS NULL
                   AND o.outcome_kind IN ('COMPLETED', 'FAILED', 'UNVERIFIABLE')
                 ORDER BY o.sequence LIMIT 1)
                ORDER BY sequence LIMIT 1) ending ON true""";

    /**
     * Each max() is one backward probe of audit_event_server_completed; the newest restore intent one backward probe of
     * V37's audit_event_server_restores, its outcome one of V47's index (ADR 0024, amended in session 50).
     */
    @Query("""
            SELECT s.id AS server_id,
                greatest((SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'CREATE_SNAPSHOT'),
                         (SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'CREATE_MANUAL_BACKUP')) AS last_create,
                greatest((SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'RESTORE_SNAPSHOT'),
                         (SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'RESTORE_SERVER_FROM_BACKUP')) AS last_restore,
            """ + LAST_RESTORE_REQUESTED_COLUMNS + """
            FROM unnest(CAST(ARRAY[:servers] AS bigint[])) AS s(id)
            LEFT JOIN LATERAL (SELECT * FROM audit_event r WHERE r.server_id = s.id
                  AND r.operation IN ('RESTORE_SNAPSHOT', 'RESTORE_SERVER_FROM_BACKUP') AND r.outcome_kind = 'ACCEPTED'
                ORDER BY r.occurred_at DESC, r.sequence DESC LIMIT 1) intent ON true
            """ + FIRST_FINAL_OUTCOME_OF_RESTORE_INTENT)
    List<ActivityRow> recoveryActivity(List<Long> servers);

    /**
     * {@link #recoveryActivity} counting one team's events only: a server the teams file moved keeps its former owner's.
     * Each max() is still a backward walk of audit_event_server_completed, the team checked on each entry it passes:
     * the owner's newest event is usually the first one.
     */
    @Query("""
            SELECT s.id AS server_id,
                greatest((SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id AND e.team = :team
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'CREATE_SNAPSHOT'),
                         (SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id AND e.team = :team
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'CREATE_MANUAL_BACKUP')) AS last_create,
                greatest((SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id AND e.team = :team
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'RESTORE_SNAPSHOT'),
                         (SELECT max(occurred_at) FROM audit_event e WHERE e.server_id = s.id AND e.team = :team
                              AND e.outcome_kind = 'COMPLETED' AND e.operation = 'RESTORE_SERVER_FROM_BACKUP')) AS last_restore,
            """ + LAST_RESTORE_REQUESTED_COLUMNS + """
            FROM unnest(CAST(ARRAY[:servers] AS bigint[])) AS s(id)
            LEFT JOIN LATERAL (SELECT * FROM audit_event r WHERE r.server_id = s.id AND r.team = :team
                  AND r.operation IN ('RESTORE_SNAPSHOT', 'RESTORE_SERVER_FROM_BACKUP') AND r.outcome_kind = 'ACCEPTED'
                ORDER BY r.occurred_at DESC, r.sequence DESC LIMIT 1) intent ON true
            """ + FIRST_FINAL_OUTCOME_OF_RESTORE_INTENT)
    List<ActivityRow> recoveryActivityOfTeam(List<Long> servers, String team);

    /**
     * The sequence bounds of a time range from each UTC day's first and last sequence (V39, ADR 0077), in one pass
     * of the small day table: {@code from} is the lowest sequence of the days from {@code fromDay} on, {@code
     * beforeFrom} the highest of the days up to {@code beforeFromDay} (those that hold events earlier than the range's
     * start); {@code to} and {@code afterTo} the same at the range's end. A null: no such day. With the deltas not
     * folded yet (V52, ADR 0119), in the same statement.
     */
    @Query("""
            SELECT min(first_sequence) FILTER (WHERE day >= :fromDay) AS "from",
                   max(last_sequence) FILTER (WHERE day <= :beforeFromDay) AS before_from,
                   max(last_sequence) FILTER (WHERE day <= :toDay) AS "to",
                   min(first_sequence) FILTER (WHERE day >= :afterToDay) AS after_to
            FROM (SELECT day, first_sequence, last_sequence FROM audit_event_day_sequence
                  UNION ALL SELECT day, first_sequence, last_sequence FROM audit_count_delta) d""")
    SequenceBounds sequenceBounds(LocalDate fromDay, LocalDate beforeFromDay, LocalDate toDay, LocalDate afterToDay);

    /**
     * A server's restore events from {@code since} on, newest first (AuditHistory.restoreEvents): one statement on
     * V37's partial index, its predicate written out so that any plan can use it (ADR 0106).
     */
    @Query("""
            SELECT * FROM audit_event
            WHERE server_id = :serverId AND operation IN ('RESTORE_SNAPSHOT', 'RESTORE_SERVER_FROM_BACKUP')
              AND occurred_at >= :since
            ORDER BY sequence DESC LIMIT :limit""")
    List<AuditEventRow> restoreEvents(long serverId, Instant since, int limit);

    /**
     * An attempt's intents and final outcomes by its id, through V48's {@code audit_event_intent_attempt} and V47's
     * {@code audit_event_final_outcome_attempt} (their predicates written out so that any plan can use them), found
     * first and only then narrowed and ordered (MATERIALIZED; ADR 0108).
     */
    String ATTEMPT_PROBE = """
            WITH attempt AS MATERIALIZED (
                SELECT * FROM audit_event
                WHERE (detail->>'attempt_id') = :attemptId
                  AND ((outcome_kind = 'ACCEPTED' AND (detail->>'attempt_id') IS NOT NULL)
                    OR (outcome_kind IN ('COMPLETED', 'FAILED', 'UNVERIFIABLE') AND (detail->>'attempt_id') IS NOT NULL)))
            """;

    /**
     * One attempt's intent and final outcomes among the events of an operation on a server under a request id, from
     * {@code since} on, newest first (AuditHistory.attemptEvents). Each arm is one probe by attempt id, its index's
     * predicate written out so that any plan can use it: V48's {@code audit_event_intent_attempt} for the intent,
     * V47's {@code audit_event_final_outcome_attempt} for the outcomes. By request id (V1's index) the read walked every
     * event of that request id since the day began, and a request id may be shared by any number of requests (ADR 0108).
     * The attempt's few events are found first and only then narrowed (MATERIALIZED): on a generic plan a bound request
     * id is estimated at one row, and the planner walked the request id's index again.
     */
    @Query(ATTEMPT_PROBE + """
            SELECT * FROM attempt
            WHERE server_id = :serverId AND request_id = :requestId AND operation = :operation AND occurred_at >= :since
            ORDER BY sequence DESC LIMIT :limit""")
    List<AuditEventRow> attemptEvents(String attemptId, long serverId, String requestId, String operation, Instant since,
                                      int limit);

    /**
     * One attempt's intents and final outcomes wherever filed, newest first (AuditHistory.attemptEvents by attempt id
     * alone): the two probes of {@link #attemptEvents}, V48's and V47's indexes, their predicates written out. Fenced
     * (MATERIALIZED) as that read is: unfenced, ORDER BY sequence LIMIT let the planner walk the primary key backwards,
     * and for an attempt with no event (most takeovers ask of one) that read every event (ADR 0027, review of session 40).
     */
    @Query(ATTEMPT_PROBE + """
            SELECT * FROM attempt
            ORDER BY sequence DESC LIMIT :limit""")
    List<AuditEventRow> eventsOfAttempt(String attemptId, int limit);

    /** Stored hashes by primary key (at most ChainPositions.MAX_LOOKUP), for checking checkpoints. */
    @Query("SELECT sequence, hash FROM audit_event WHERE sequence IN (:sequences)")
    List<SequenceHash> hashesAt(List<Long> sequences);

    /** What {@link #sequenceBounds} reads. */
    @Introspected
    record SequenceBounds(@Nullable Long from, @Nullable Long beforeFrom, @Nullable Long to, @Nullable Long afterTo) {
    }

    /** Every intent below {@code settledBelow} had a final outcome on the chain whose head was this sequence and hash. */
    @Introspected
    record IntentWalkMark(long settledBelow, long headSequence, byte[] headHash) {
        static final IntentWalkMark NONE = new IntentWalkMark(0, 0, new byte[0]);
    }

    /** One row's position and hash. */
    @Introspected
    record SequenceHash(long sequence, byte[] hash) {
    }

    /** One server's last completed create and restore. */
    @Introspected
    record ActivityRow(long serverId, @Nullable Instant lastCreate, @Nullable Instant lastRestore,
                       @Nullable Instant restoreRequestedAt, @Nullable String restoreOutcomeKind,
                       @Nullable String restoreOutcomeReason) {
    }
}
