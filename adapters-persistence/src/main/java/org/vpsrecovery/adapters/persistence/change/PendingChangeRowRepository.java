package org.vpsrecovery.adapters.persistence.change;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface PendingChangeRowRepository extends GenericRepository<PendingChangeRow, UUID> {

    PendingChangeRow save(PendingChangeRow row);

    Optional<PendingChangeRow> findById(UUID id);

    /** Optimistic: writes only over the version the caller read. What the change will do is never rewritten. */
    @Query("""
            UPDATE pending_change SET state = :state, updated_at = :updatedAt, next_check_at = :nextCheckAt, note = :note,
                version = :version, verdict = :verdict, decider_subject = :deciderSubject,
                decider_authentication = :deciderAuthentication, decider_key_id = :deciderKeyId, decided_at = :decidedAt,
                decision_reason = :decisionReason,
                approval_events_owed = CASE WHEN CAST(:eventOwed AS text) IS NULL THEN approval_events_owed
                    ELSE array_append(approval_events_owed, CAST(:eventOwed AS text)) END
            WHERE id = :id AND version = :expectedVersion""")
    long updateOverVersion(UUID id, String state, Instant updatedAt, Instant nextCheckAt, @Nullable String note, int version,
                           @Nullable String verdict, @Nullable String deciderSubject,
                           @Nullable String deciderAuthentication, @Nullable String deciderKeyId,
                           @Nullable Instant decidedAt, @Nullable String decisionReason, @Nullable String eventOwed,
                           int expectedVersion);

    /** An owed event written: no longer owed (not a move of the change, so its version stays). */
    @Query("""
            UPDATE pending_change SET approval_events_owed = NULLIF(array_remove(approval_events_owed, :eventOwed), '{}')
            WHERE id = :id""")
    long eventWritten(UUID id, String eventOwed);

    /** Served by pending_change_approval_events_owed (V33). */
    @Query("""
            SELECT * FROM pending_change WHERE approval_events_owed IS NOT NULL
            ORDER BY updated_at, id LIMIT :limit""")
    List<PendingChangeRow> owingEvents(int limit);

    /**
     * Served by pending_change_open (V24), whose predicate is written out so that a generic plan can prove it (a bound
     * state cannot; ADR 0123, amended in session 42): the work lists read only those two states.
     */
    @Query("""
            SELECT * FROM pending_change WHERE state IN ('pending_approval', 'approved') AND state = :state
                AND next_check_at <= :dueBy
            ORDER BY next_check_at, id LIMIT :limit""")
    List<PendingChangeRow> dueIn(String state, Instant dueBy, int limit);

    /*
     * A team's changes, newest asked first (ADR 0043, amended in session 52). Four statements, not one with optional
     * parts: each is a plain condition of its V72 index (team[, state], requested_at DESC, id DESC), so its generic plan
     * reads that index from the cursor's place on, in order, with no sort; an "OR :x IS NULL" would leave the cursor a
     * filter over every newer row of the team. The kinds asked (all four when the list names none; session 53) are a
     * filter on the rows that index reads: a team's changes are few, and no index has kind.
     */

    /** The first page: pending_change_team_newest (V72). */
    @Query("""
            SELECT * FROM pending_change WHERE team = :team AND kind = ANY(:kinds)
            ORDER BY requested_at DESC, id DESC LIMIT :limit""")
    List<PendingChangeRow> newestFirst(String team, String[] kinds, int limit);

    /** A later page, after (afterRequestedAt, afterId), the last change shown: pending_change_team_newest (V72). */
    @Query("""
            SELECT * FROM pending_change WHERE team = :team AND (requested_at, id) < (:afterRequestedAt, :afterId)
                AND kind = ANY(:kinds)
            ORDER BY requested_at DESC, id DESC LIMIT :limit""")
    List<PendingChangeRow> newestFirstAfter(String team, String[] kinds, Instant afterRequestedAt, UUID afterId, int limit);

    /** The first page of one state's: pending_change_team_state_newest (V72). */
    @Query("""
            SELECT * FROM pending_change WHERE team = :team AND state = :state AND kind = ANY(:kinds)
            ORDER BY requested_at DESC, id DESC LIMIT :limit""")
    List<PendingChangeRow> newestFirstInState(String team, String state, String[] kinds, int limit);

    /** A later page of one state's: pending_change_team_state_newest (V72). */
    @Query("""
            SELECT * FROM pending_change WHERE team = :team AND state = :state
                AND (requested_at, id) < (:afterRequestedAt, :afterId) AND kind = ANY(:kinds)
            ORDER BY requested_at DESC, id DESC LIMIT :limit""")
    List<PendingChangeRow> newestFirstInStateAfter(String team, String state, String[] kinds, Instant afterRequestedAt,
                                                   UUID afterId, int limit);
}
