-- The contract step of V35 (docs/deploy.md: expand, then contract; docs/adr/0060): the previous release no longer
-- reads audit_daily_count (its summaries read V34's day tables), so the trigger stops writing it and it is dropped.
-- An append then upserts three count tables, not four.
-- The trigger is swapped first, in the same transaction: an append runs the old function (four tables) before this
-- commits or the new one (three) after. The drop waits for appends in flight that still write the table; a bounded
-- wait, so a busy moment fails the start (retried) rather than holding every append behind it.
SET LOCAL lock_timeout = '10s';

CREATE OR REPLACE FUNCTION audit_event_count_days() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    -- A statement trigger fires on zero rows too.
    IF NOT EXISTS (SELECT FROM added) THEN
        RETURN NULL;
    END IF;
    -- Appends are ordered by the chain head row lock (ADR 0005). Other concurrent inserters meet in the
    -- upserts' conflict handling (each count moved once by each statement's events), and lock the rows of
    -- each table in key order, so two of them do not deadlock.
    WITH grouped AS MATERIALIZED (
        SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, team, operation, outcome_kind, outcome_reason,
            count(*) AS events
        FROM added
        GROUP BY 1, 2, 3, 4, 5),
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
            DO UPDATE SET events = c.events + excluded.events)
    INSERT INTO audit_daily_reason_count AS c (day, team, outcome_kind, outcome_reason, events)
    SELECT day, team, outcome_kind, outcome_reason, sum(events)::bigint
    FROM grouped
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, team, outcome_kind, outcome_reason)
        DO UPDATE SET events = c.events + excluded.events;
    RETURN NULL;
END;
$$;

DROP TABLE audit_daily_count;
