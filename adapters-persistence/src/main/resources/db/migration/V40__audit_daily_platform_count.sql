-- A summary over every team is by default their sum (issue 13, docs/adr/0078): per UTC day, operation, outcome and
-- reason, whatever the team. Read from the per-team tables it is a sum over every team's rows (~415,000 for a year at
-- 10 M events, seconds with the answer); this table holds it ready: ~50 rows a day. Kept by the same statement trigger
-- as V28's and V34's tables, in the same transaction as the events; a fourth upsert in its one statement.
CREATE TABLE audit_daily_platform_count (
    day            date   NOT NULL,
    operation      text   NOT NULL,
    outcome_kind   text   NOT NULL,
    outcome_reason text,
    events         bigint NOT NULL CHECK (events > 0)
);
-- A missing reason is one group of its own (ON CONFLICT needs NULLS NOT DISTINCT).
CREATE UNIQUE INDEX audit_daily_platform_count_group ON audit_daily_platform_count
    (day, operation, outcome_kind, outcome_reason) NULLS NOT DISTINCT;
COMMENT ON TABLE audit_daily_platform_count IS 'Audit events per UTC day, operation, outcome and reason over every team; maintained by audit_event_count_days.';

-- No append may commit between the function's replacement and the backfill below (the old function would not count
-- it here, and the backfill's snapshot would not see it): hold them off until the commit.
SET LOCAL lock_timeout = '5s';
LOCK TABLE audit_event IN SHARE ROW EXCLUSIVE MODE;

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
            DO UPDATE SET events = c.events + excluded.events),
    day_reasons AS (
        INSERT INTO audit_daily_reason_count AS c (day, team, outcome_kind, outcome_reason, events)
        SELECT day, team, outcome_kind, outcome_reason, sum(events)::bigint
        FROM grouped
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


-- No count table holds a day's operations with their reasons: one pass of the events (through the covering index
-- audit_event_time_summary), appends held off meanwhile (ADR 0046's backfill; 10 M events, ~1 min).
INSERT INTO audit_daily_platform_count (day, operation, outcome_kind, outcome_reason, events)
SELECT (occurred_at AT TIME ZONE 'UTC')::date, operation, outcome_kind, outcome_reason, count(*)
FROM audit_event
GROUP BY 1, 2, 3, 4;

REVOKE ALL ON audit_daily_platform_count FROM PUBLIC;
-- The trigger runs as the appender: it reads and moves the counts, never removes them.
GRANT SELECT, INSERT, UPDATE ON audit_daily_platform_count TO vpsr_app;
