-- Insert-only counts under the chain head (issue 13, docs/adr/0119): audit_event_added (V41, V51) upserted five tables
-- inside each append's statement, so under the chain head's hold, a third or more of it with two instances. It now
-- inserts its statement's groups into audit_count_delta, with no index and no conflict to meet; audit_count_fold()
-- moves them into the five tables (a recurring cluster job, ADR 0119), and every read of those tables adds the
-- deltas not folded yet in the same statement, so the counts read stay exact whatever the fold's delay.
-- No append may run with the old function once the table exists (its counts would go straight to the five tables,
-- which is still exact, but the swap must not interleave with a statement's trigger): hold them off until the
-- commit (reads go on); a bounded wait, so a busy moment fails the start, as V41.
SET LOCAL lock_timeout = '5s';
LOCK TABLE audit_event IN SHARE ROW EXCLUSIVE MODE;

-- One row per append statement's (day, team, operation, outcome, reason) group: up to one an event between two folds
-- (thousands at 5,000 events/s folded every second). No index: the fold takes every row, and a read's scan of a few
-- thousand rows costs less than an index entry an event under the head.
CREATE TABLE audit_count_delta (
    day            date   NOT NULL,
    team           text   NOT NULL,
    operation      text   NOT NULL,
    outcome_kind   text   NOT NULL,
    outcome_reason text,
    events         bigint NOT NULL CHECK (events > 0),
    first_sequence bigint NOT NULL,
    last_sequence  bigint NOT NULL,
    CONSTRAINT audit_count_delta_ordered CHECK (first_sequence <= last_sequence)
);
COMMENT ON TABLE audit_count_delta IS 'Audit events per append statement and summary group not yet moved into the day and month counts; written by audit_event_added, moved by audit_count_fold().';

CREATE OR REPLACE FUNCTION audit_event_added() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    -- One insert of the statement's groups and nothing else: no row another append could hold. A statement
    -- trigger fires on zero rows too (a lost guess of the chain head): then the insert adds nothing.
    INSERT INTO audit_count_delta (day, team, operation, outcome_kind, outcome_reason, events, first_sequence,
        last_sequence)
    SELECT (occurred_at AT TIME ZONE 'UTC')::date, team, operation, outcome_kind, outcome_reason,
        count(*), min(sequence), max(sequence)
    FROM added
    GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END;
$$;

-- Moves every delta its snapshot sees into the five tables, in one statement, so one transaction: a read sees a
-- delta either unfolded or folded, never both nor neither. Two folds at once (two instances, a test) take each delta
-- once: the second's DELETE waits on the rows the first deleted and, at READ COMMITTED, passes over them once the
-- first commits. The upserts are V51's: the same groups, key order (no deadlock between two folds) and reason rows
-- only for the kinds a summary reads. Returns the events moved.
CREATE FUNCTION audit_count_fold() RETURNS bigint
    LANGUAGE sql AS
$$
    WITH moved AS (
        DELETE FROM audit_count_delta
        RETURNING day, team, operation, outcome_kind, outcome_reason, events, first_sequence, last_sequence),
    grouped AS MATERIALIZED (
        SELECT day, team, operation, outcome_kind, outcome_reason, sum(events)::bigint AS events,
            min(first_sequence) AS first_sequence, max(last_sequence) AS last_sequence
        FROM moved
        GROUP BY 1, 2, 3, 4, 5),
    bounds AS (
        INSERT INTO audit_event_day_sequence AS d (day, first_sequence, last_sequence)
        SELECT day, min(first_sequence), max(last_sequence)
        FROM grouped
        GROUP BY 1
        ORDER BY 1
        ON CONFLICT (day) DO UPDATE
            SET first_sequence = least(d.first_sequence, excluded.first_sequence),
                last_sequence = greatest(d.last_sequence, excluded.last_sequence)),
    months AS (
        INSERT INTO audit_monthly_count AS c (day, team, operation, outcome_kind, outcome_reason, events)
        SELECT date_trunc('month', day)::date, team, operation, outcome_kind, outcome_reason, sum(events)::bigint
        FROM grouped
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (day, team, operation, outcome_kind, outcome_reason)
            DO UPDATE SET events = c.events + excluded.events),
    day_groups AS (
        INSERT INTO audit_daily_group_count AS c (day, team, operation, outcome_kind, events)
        SELECT day, team, operation, outcome_kind, sum(events)::bigint
        FROM grouped
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (day, team, operation, outcome_kind)
            DO UPDATE SET events = c.events + excluded.events),
    day_reasons AS (
        INSERT INTO audit_daily_reason_count AS c (day, team, outcome_kind, outcome_reason, events)
        SELECT day, team, outcome_kind, outcome_reason, sum(events)::bigint
        FROM grouped
        -- Only the outcomes whose reasons a summary reads (AuditSummary.REASONS_READ, V51).
        WHERE outcome_kind IN ('REJECTED', 'SUBMITTED', 'FAILED', 'UNRESOLVED')
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (day, team, outcome_kind, outcome_reason)
            DO UPDATE SET events = c.events + excluded.events),
    platform AS (
        INSERT INTO audit_daily_platform_count AS c (day, operation, outcome_kind, outcome_reason, events)
        SELECT day, operation, outcome_kind, outcome_reason, sum(events)::bigint
        FROM grouped
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (day, operation, outcome_kind, outcome_reason)
            DO UPDATE SET events = c.events + excluded.events)
    SELECT coalesce(sum(events), 0)::bigint FROM grouped;
$$;

-- The appender inserts deltas (the trigger); the fold, run by the application, deletes them.
GRANT SELECT, INSERT, DELETE ON audit_count_delta TO vpsr_app;

-- V46's bounds of a page narrowed by a request id read the day table alone: they add the unfolded deltas too, or a
-- range whose days are not folded yet would find no event (ADR 0119).
CREATE OR REPLACE FUNCTION audit_sequence_from(from_day date) RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT min(first_sequence) FROM (
              SELECT min(first_sequence) AS first_sequence FROM audit_event_day_sequence WHERE day >= from_day
              UNION ALL SELECT min(first_sequence) FROM audit_count_delta WHERE day >= from_day) d $$;

CREATE OR REPLACE FUNCTION audit_sequence_up_to(to_day date) RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT max(last_sequence) FROM (
              SELECT max(last_sequence) AS last_sequence FROM audit_event_day_sequence WHERE day <= to_day
              UNION ALL SELECT max(last_sequence) FROM audit_count_delta WHERE day <= to_day) d $$;
