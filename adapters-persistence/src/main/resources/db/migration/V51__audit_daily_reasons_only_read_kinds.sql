-- The days' reason counts only for the outcomes whose reasons a summary reads (issue 13, docs/adr/0116).
-- audit_daily_reason_count (V34) is read by one thing: a summary's reasons of its whole days (AuditSummaryCounts.
-- dayReasons), folded into the top rejections and the provider calls and failures: REJECTED, SUBMITTED, FAILED and
-- UNRESOLVED (AuditSummary.REASONS_READ). Every intent (ACCEPTED) and every tracked end (COMPLETED) upserted a row
-- there that nothing reads: one upsert of the trigger's five for two of a create's and a delete's three events. The
-- trigger now leaves them out, and the rows of those kinds already stored go, so the table is again exactly the
-- recount of the events it keeps (AuditDailyCountsTest). The monthly counts (whole months, reasons included), the day
-- groups and the platform's days are unchanged.
-- No append may run with the old function while the rows go (it would add a row of a kind left out): hold them off
-- until the commit (reads go on); a bounded wait, so a busy moment fails the start, as V41.
SET LOCAL lock_timeout = '5s';
LOCK TABLE audit_event IN SHARE ROW EXCLUSIVE MODE;

CREATE OR REPLACE FUNCTION audit_event_added() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    -- A statement trigger fires on zero rows too (a lost guess of the chain head).
    IF NOT EXISTS (SELECT FROM added) THEN
        RETURN NULL;
    END IF;
    -- Appends are ordered by the chain head row lock (ADR 0005). Other concurrent inserters meet in the
    -- upserts' conflict handling (each row moved once by each statement's events), and lock the rows of
    -- each table in key order, so two of them do not deadlock.
    WITH grouped AS MATERIALIZED (
        SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, team, operation, outcome_kind, outcome_reason,
            count(*) AS events, min(sequence) AS first_sequence, max(sequence) AS last_sequence
        FROM added
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
        -- Only the outcomes whose reasons a summary reads (AuditSummary.REASONS_READ): intents, completions and the
        -- other kinds count by team and operation alone (day_groups, months).
        WHERE outcome_kind IN ('REJECTED', 'SUBMITTED', 'FAILED', 'UNRESOLVED')
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (day, team, outcome_kind, outcome_reason)
            DO UPDATE SET events = c.events + excluded.events)
    INSERT INTO audit_daily_platform_count AS c (day, operation, outcome_kind, outcome_reason, events)
    SELECT day, operation, outcome_kind, outcome_reason, sum(events)::bigint
    FROM grouped
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, operation, outcome_kind, outcome_reason)
        DO UPDATE SET events = c.events + excluded.events;
    RETURN NULL;
END;
$$;

DELETE FROM audit_daily_reason_count WHERE outcome_kind NOT IN ('REJECTED', 'SUBMITTED', 'FAILED', 'UNRESOLVED');

COMMENT ON TABLE audit_daily_reason_count IS 'Audit events per UTC day, team, outcome and reason, of the outcomes whose reasons a summary reads (REJECTED, SUBMITTED, FAILED, UNRESOLVED); maintained by audit_event_added.';
