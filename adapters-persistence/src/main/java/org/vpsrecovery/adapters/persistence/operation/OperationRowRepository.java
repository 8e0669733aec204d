package org.vpsrecovery.adapters.persistence.operation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.vpsrecovery.adapters.persistence.UnflushedCommit;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface OperationRowRepository extends GenericRepository<OperationRow, UUID> {

    OperationRow save(OperationRow row);

    Optional<OperationRow> findById(UUID id);

    /** Several operations by id in one statement (the primary key); the ids as text, which the driver binds as an array. */
    @Query("SELECT * FROM recovery_operation WHERE id = ANY(CAST(:ids AS uuid[]))")
    List<OperationRow> findByIds(String[] ids);

    /**
     * A new operation without an approval, its commit not waiting for the write-ahead log's flush (ADR 0084): the
     * durable intent appended next flushes it. The setting is local to the statement's own transaction.
     */
    @Query("""
            INSERT INTO recovery_operation (id, team, request_id, kind, server_id, resource_type, resource_id,
                resource_server_id, state, accepted_at, updated_at, deadline, note, next_check_at, checks, version)
            SELECT :id, :team, :requestId, :kind, :serverId, :resourceType, :resourceId, :resourceServerId, :state,
                :acceptedAt, :updatedAt, :deadline, :note, :nextCheckAt, :checks, 0
            FROM (SELECT""" + UnflushedCommit.SETTING + ") AS commit_mode")
    void insertUnflushed(UUID id, String team, String requestId, String kind, long serverId,
                         @Nullable String resourceType, @Nullable Long resourceId, @Nullable Long resourceServerId,
                         String state, Instant acceptedAt, Instant updatedAt, Instant deadline, @Nullable String note,
                         Instant nextCheckAt, int checks);

    /**
     * Optimistic: writes only over the version the caller read. An approval's decision is written once (ADR 0040).
     * {@code unflushed}: its commit does not wait for the write-ahead log's flush (ADR 0083); the setting is local to
     * the statement's own transaction, so the pooled connection goes back as it came.
     */
    @Query("""
            UPDATE recovery_operation SET resource_type = :resourceType, resource_id = :resourceId, state = :state,
                updated_at = :updatedAt, deadline = :deadline, note = :note, next_check_at = :nextCheckAt,
                checks = :checks, version = :version, released_before_vps_org_was_asked = :releasedBeforeVpsOrgWasAsked,
                approved_run_at = :approvedRunAt, pause_hold = :pauseHold, pause_hold_version = :version,
                refused_on_run_reason = :refusedOnRunReason, refused_on_run_version = :version,
                approval_verdict = COALESCE(approval_verdict, :verdict),
                approval_decider_subject = COALESCE(approval_decider_subject, :deciderSubject),
                approval_decider_authentication = COALESCE(approval_decider_authentication, :deciderAuthentication),
                approval_decider_key_id = COALESCE(approval_decider_key_id, :deciderKeyId),
                approval_decided_at = COALESCE(approval_decided_at, :decidedAt),
                approval_reason = COALESCE(approval_reason, :reason),
                approval_events_owed = CASE WHEN CAST(:eventOwed AS text) IS NULL THEN approval_events_owed
                    ELSE array_append(approval_events_owed, CAST(:eventOwed AS text)) END
            FROM (SELECT CASE WHEN :unflushed THEN""" + UnflushedCommit.SETTING + """
             END) AS commit_mode
            WHERE id = :id AND version = :expectedVersion""")
    long updateOverVersion(UUID id, @Nullable String resourceType, @Nullable Long resourceId, String state,
                           Instant updatedAt, Instant deadline, @Nullable String note, Instant nextCheckAt, int checks,
                           int version, boolean releasedBeforeVpsOrgWasAsked, @Nullable Instant approvedRunAt,
                           String pauseHold, @Nullable String refusedOnRunReason, @Nullable String verdict, @Nullable String deciderSubject,
                           @Nullable String deciderAuthentication, @Nullable String deciderKeyId,
                           @Nullable Instant decidedAt, @Nullable String reason, @Nullable String eventOwed,
                           int expectedVersion, boolean unflushed);

    /** An owed event written: no longer owed (not a move of the operation, so its version stays). */
    @Query("""
            UPDATE recovery_operation SET approval_events_owed = NULLIF(array_remove(approval_events_owed, :eventOwed), '{}')
            WHERE id = :id""")
    long eventWritten(UUID id, String eventOwed);

    /** Served by recovery_operation_approval_events_owed (V26). */
    @Query("""
            SELECT * FROM recovery_operation WHERE approval_events_owed IS NOT NULL
            ORDER BY updated_at, id LIMIT :limit""")
    List<OperationRow> owingEvents(int limit);

    /*
     * Newest first (ADR 0024, amended in session 52): twelve statements, not one with optional parts, so that each is a
     * plain condition of its V73 index (..., accepted_at DESC, id DESC) and its generic plan reads that index from the
     * cursor's place on, in order, with no sort; an "OR :x IS NULL" would leave the cursor a filter over every newer
     * row. A server's statements take the team as a filter (an auditor's and the platform's own reads have none): a
     * server's operations are its team's.
     */

    /** recovery_operation_team_newest (V73). */
    @Query("""
            SELECT * FROM recovery_operation WHERE team = :team
            ORDER BY accepted_at DESC, id DESC LIMIT :limit""")
    List<OperationRow> teamNewestFirst(String team, int limit);

    /** recovery_operation_team_newest (V73). */
    @Query("""
            SELECT * FROM recovery_operation WHERE team = :team AND (accepted_at, id) < (:afterAcceptedAt, :afterId)
            ORDER BY accepted_at DESC, id DESC LIMIT :limit""")
    List<OperationRow> teamNewestFirstAfter(String team, Instant afterAcceptedAt, UUID afterId, int limit);

    /** recovery_operation_team_state_newest (V73). */
    @Query("""
            SELECT * FROM recovery_operation WHERE team = :team AND state = :state
            ORDER BY accepted_at DESC, id DESC LIMIT :limit""")
    List<OperationRow> teamInStateNewestFirst(String team, String state, int limit);

    /** recovery_operation_team_state_newest (V73). */
    @Query("""
            SELECT * FROM recovery_operation WHERE team = :team AND state = :state
                AND (accepted_at, id) < (:afterAcceptedAt, :afterId)
            ORDER BY accepted_at DESC, id DESC LIMIT :limit""")
    List<OperationRow> teamInStateNewestFirstAfter(String team, String state, Instant afterAcceptedAt, UUID afterId,
                                                   int limit);

    /** recovery_operation_server_newest (V73). */
    @Query("""
            SELECT * FROM recovery_operation WHERE server_id = :serverId
                AND (CAST(:team AS text) IS NULL OR team = :team)
            ORDER BY accepted_at DESC, id DESC LIMIT :limit""")
    List<OperationRow> serverNewestFirst(long serverId, @Nullable String team, int limit);

    /** recovery_operation_server_newest (V73). */
    @Query("""
            SELECT * FROM recovery_operation WHERE server_id = :serverId
                AND (CAST(:team AS text) IS NULL OR team = :team) AND (accepted_at, id) < (:afterAcceptedAt, :afterId)
            ORDER BY accepted_at DESC, id DESC LIMIT :limit""")
    List<OperationRow> serverNewestFirstAfter(long serverId, @Nullable String team, Instant afterAcceptedAt,
                                              UUID afterId, int limit);

    /** recovery_operation_server_state_newest (V73). */
    @Query("""
            SELECT * FROM recovery_operation WHERE server_id = :serverId AND state = :state
                AND (CAST(:team AS text) IS NULL OR team = :team)
            ORDER BY accepted_at DESC, id DESC LIMIT :limit""")
    List<OperationRow> serverInStateNewestFirst(long serverId, String state, @Nullable String team, int limit);

    /** recovery_operation_server_state_newest (V73). */
    @Query("""
            SELECT * FROM recovery_operation WHERE server_id = :serverId AND state = :state
                AND (CAST(:team AS text) IS NULL OR team = :team) AND (accepted_at, id) < (:afterAcceptedAt, :afterId)
            ORDER BY accepted_at DESC, id DESC LIMIT :limit""")
    List<OperationRow> serverInStateNewestFirstAfter(long serverId, String state, @Nullable String team,
                                                     Instant afterAcceptedAt, UUID afterId, int limit);

    /** recovery_operation_newest (V73). */
    @Query("""
            SELECT * FROM recovery_operation
            ORDER BY accepted_at DESC, id DESC LIMIT :limit""")
    List<OperationRow> newestFirst(int limit);

    /** recovery_operation_newest (V73). */
    @Query("""
            SELECT * FROM recovery_operation WHERE (accepted_at, id) < (:afterAcceptedAt, :afterId)
            ORDER BY accepted_at DESC, id DESC LIMIT :limit""")
    List<OperationRow> newestFirstAfter(Instant afterAcceptedAt, UUID afterId, int limit);

    /** recovery_operation_state_newest (V73). */
    @Query("""
            SELECT * FROM recovery_operation WHERE state = :state
            ORDER BY accepted_at DESC, id DESC LIMIT :limit""")
    List<OperationRow> inStateNewestFirst(String state, int limit);

    /** recovery_operation_state_newest (V73). */
    @Query("""
            SELECT * FROM recovery_operation WHERE state = :state AND (accepted_at, id) < (:afterAcceptedAt, :afterId)
            ORDER BY accepted_at DESC, id DESC LIMIT :limit""")
    List<OperationRow> inStateNewestFirstAfter(String state, Instant afterAcceptedAt, UUID afterId, int limit);

    /** A team's operations under one request id, newest first: served by recovery_operation_request (V61). */
    @Query("""
            SELECT * FROM recovery_operation WHERE team = :team AND request_id = :requestId
            ORDER BY accepted_at DESC, id LIMIT :limit""")
    List<OperationRow> withRequestNewestFirst(String team, String requestId, int limit);

    /**
     * The operations not yet final, newest first: each arm of the condition is the predicate of a partial index (V6's
     * recovery_operation_open, V14's _awaiting_safety_snapshot, V21's _approval_open), so only what is in flight is read
     * however many operations have ended. OperationState.isFinal's complement, written out.
     */
    @Query("""
            SELECT * FROM recovery_operation
            WHERE (state IN ('accepted', 'in_progress', 'unresolved') OR state = 'awaiting_safety_snapshot'
                   OR state IN ('pending_approval', 'approved'))
              AND (CAST(:team AS text) IS NULL OR team = :team)
            ORDER BY accepted_at DESC, id LIMIT :limit""")
    List<OperationRow> listNotFinalNewestFirst(@Nullable String team, int limit);

    /**
     * A state V53's partial recovery_operation_due_in holds (every state but accepted, in_progress and completed: the
     * approvals' work lists among them), its predicate written out so that a generic plan can prove it (a bound state
     * cannot).
     */
    @Query("""
            SELECT * FROM recovery_operation
            WHERE state NOT IN ('accepted', 'in_progress', 'completed') AND state = :state AND next_check_at <= :dueBy
            ORDER BY next_check_at, id LIMIT :limit""")
    List<OperationRow> dueInIndexed(String state, Instant dueBy, int limit);

    /** An open state (accepted or in_progress): V6's recovery_operation_open, its predicate written out (ADR 0123). */
    @Query("""
            SELECT * FROM recovery_operation
            WHERE state IN ('accepted', 'in_progress', 'unresolved') AND state = :state AND next_check_at <= :dueBy
            ORDER BY next_check_at, id LIMIT :limit""")
    List<OperationRow> dueInOpen(String state, Instant dueBy, int limit);

    /** completed: no work list reads them by their next check, and no index serves it (ADR 0112). */
    @Query("""
            SELECT * FROM recovery_operation WHERE state = :state AND next_check_at <= :dueBy
            ORDER BY next_check_at, id LIMIT :limit""")
    List<OperationRow> dueIn(String state, Instant dueBy, int limit);

    /**
     * dueInIndexed's page after (afterNextCheck, afterId), the last row of the page before: the row comparison is a
     * condition of the same index (state, next_check_at, id), so a later page starts where the last one ended.
     */
    @Query("""
            SELECT * FROM recovery_operation
            WHERE state NOT IN ('accepted', 'in_progress', 'completed') AND state = :state AND next_check_at <= :dueBy
              AND (next_check_at, id) > (:afterNextCheck, :afterId)
            ORDER BY next_check_at, id LIMIT :limit""")
    List<OperationRow> dueInIndexedAfter(String state, Instant dueBy, Instant afterNextCheck, UUID afterId, int limit);

    /** dueInOpen's page after (afterNextCheck, afterId). */
    @Query("""
            SELECT * FROM recovery_operation
            WHERE state IN ('accepted', 'in_progress', 'unresolved') AND state = :state AND next_check_at <= :dueBy
              AND (next_check_at, id) > (:afterNextCheck, :afterId)
            ORDER BY next_check_at, id LIMIT :limit""")
    List<OperationRow> dueInOpenAfter(String state, Instant dueBy, Instant afterNextCheck, UUID afterId, int limit);

    /** dueIn's page after (afterNextCheck, afterId). */
    @Query("""
            SELECT * FROM recovery_operation WHERE state = :state AND next_check_at <= :dueBy
              AND (next_check_at, id) > (:afterNextCheck, :afterId)
            ORDER BY next_check_at, id LIMIT :limit""")
    List<OperationRow> dueInAfter(String state, Instant dueBy, Instant afterNextCheck, UUID afterId, int limit);

    /** The restore holds in force at {@code at} (ADR 0026), by the server held and the point read when given. */
    @Query("""
            SELECT * FROM recovery_operation
            WHERE kind IN ('RESTORE_SNAPSHOT', 'RESTORE_SERVER_FROM_BACKUP')
              AND state IN ('accepted', 'in_progress', 'unresolved', 'awaiting_safety_snapshot') AND deadline > :at
              AND (CAST(:serverId AS bigint) IS NULL OR server_id = :serverId)
              AND (CAST(:resourceType AS text) IS NULL OR (resource_type = :resourceType AND resource_id = :resourceId))
            ORDER BY accepted_at DESC, id""")
    List<OperationRow> liveRestores(@Nullable Long serverId, @Nullable String resourceType, @Nullable Long resourceId,
                                    Instant at);

    /** The restore holds in force at {@code at} on the server or reading the point: both of a delete's in one. */
    @Query("""
            SELECT * FROM recovery_operation
            WHERE kind IN ('RESTORE_SNAPSHOT', 'RESTORE_SERVER_FROM_BACKUP')
              AND state IN ('accepted', 'in_progress', 'unresolved', 'awaiting_safety_snapshot') AND deadline > :at
              AND (server_id = :serverId OR (resource_type = :resourceType AND resource_id = :resourceId))
            ORDER BY accepted_at DESC, id""")
    List<OperationRow> liveRestoresOfServerOrPoint(long serverId, String resourceType, long resourceId, Instant at);

    @Query("""
            SELECT * FROM recovery_operation
            WHERE state IN ('accepted', 'in_progress', 'unresolved') AND next_check_at <= :dueBy
            ORDER BY next_check_at LIMIT :limit""")
    List<OperationRow> due(Instant dueBy, int limit);

    /** The open operations (V6's partial index recovery_operation_open), due or not. */
    @Query("SELECT count(*) FROM recovery_operation WHERE state IN ('accepted', 'in_progress', 'unresolved')")
    long countOpen();

    @Query("""
            SELECT * FROM recovery_operation
            WHERE state IN ('accepted', 'in_progress', 'unresolved')
            ORDER BY accepted_at, id LIMIT 1""")
    Optional<OperationRow> oldestOpen();

    /** The operations about some points of one type (served by recovery_operation_resource, V17). */
    @Query("""
            SELECT * FROM recovery_operation WHERE resource_type = :resourceType AND resource_id = ANY(:resourceIds)
            ORDER BY accepted_at, id""")
    List<OperationRow> about(String resourceType, Long[] resourceIds);
}
