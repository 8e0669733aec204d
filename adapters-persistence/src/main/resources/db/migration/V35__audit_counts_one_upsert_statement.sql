-- The count trigger was the largest cost of an append after the indexes (issue 13, docs/adr/0060's amendment):
-- four upserts a statement, run even for an insert that adds nothing (a chain-head guess that lost).
-- Now: nothing when nothing was added; the added rows grouped once; the four tables in one statement.
-- audit_daily_count is still kept, because the previous release reads it (docs/deploy.md: expand, then contract);
-- this release's summaries read a day's groups and reasons from V34's two tables, and a later release drops it.
-- CREATE OR REPLACE swaps the function atomically: an append runs the old or the new one, each counting once.

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
    days AS (
        INSERT INTO audit_daily_count AS c (day, team, operation, outcome_kind, outcome_reason, events)
        SELECT day, team, operation, outcome_kind, outcome_reason, events
        FROM grouped
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

