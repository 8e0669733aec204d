-- Daily pre-aggregates of the audit summary (issue 13, docs/adr/0046): events per UTC day, team,
-- operation, outcome and reason, and the same per UTC month, kept in step with the appends by a
-- statement trigger, so they are exact at every commit whoever inserts. The summary reads whole months
-- (by month) and whole days here and only the partial days at a period's edges from audit_event.
CREATE TABLE audit_daily_count (
    day            date   NOT NULL,
    team           text   NOT NULL,
    operation      text   NOT NULL,
    outcome_kind   text   NOT NULL,
    outcome_reason text,
    events         bigint NOT NULL CHECK (events > 0)
);
-- One row per group; a missing reason is one group of its own (ON CONFLICT needs NULLS NOT DISTINCT).
CREATE UNIQUE INDEX audit_daily_count_group ON audit_daily_count
    (day, team, operation, outcome_kind, outcome_reason) NULLS NOT DISTINCT;

COMMENT ON TABLE audit_daily_count IS 'Audit events per UTC day and summary group; maintained by audit_event_count_days.';

-- The same per month (day = the month's first day): a year by month reads ~12 rows a group, not ~365.
CREATE TABLE audit_monthly_count (LIKE audit_daily_count INCLUDING CONSTRAINTS);
CREATE UNIQUE INDEX audit_monthly_count_group ON audit_monthly_count
    (day, team, operation, outcome_kind, outcome_reason) NULLS NOT DISTINCT;
COMMENT ON TABLE audit_monthly_count IS 'Audit events per UTC month (its first day) and summary group; maintained by audit_event_count_days.';

-- Appends are ordered by the chain head row lock (ADR 0005), so these upserts never race each other.
-- One statement per insert statement: a group-committed batch costs one upsert of its groups.
CREATE FUNCTION audit_event_count_days() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO audit_daily_count AS c (day, team, operation, outcome_kind, outcome_reason, events)
    SELECT (occurred_at AT TIME ZONE 'UTC')::date, team, operation, outcome_kind, outcome_reason, count(*)
    FROM added
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (day, team, operation, outcome_kind, outcome_reason)
        DO UPDATE SET events = c.events + excluded.events;
    INSERT INTO audit_monthly_count AS c (day, team, operation, outcome_kind, outcome_reason, events)
    SELECT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date, team, operation, outcome_kind, outcome_reason,
        count(*)
    FROM added
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (day, team, operation, outcome_kind, outcome_reason)
        DO UPDATE SET events = c.events + excluded.events;
    RETURN NULL;
END;
$$;

-- The trigger's lock (SHARE ROW EXCLUSIVE) holds appends off until this migration commits, so the
-- backfill below and the trigger together count every event exactly once.
SET LOCAL lock_timeout = '5s';

CREATE TRIGGER audit_event_count_days
    AFTER INSERT ON audit_event
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_count_days();

INSERT INTO audit_daily_count (day, team, operation, outcome_kind, outcome_reason, events)
SELECT (occurred_at AT TIME ZONE 'UTC')::date, team, operation, outcome_kind, outcome_reason, count(*)
FROM audit_event
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO audit_monthly_count (day, team, operation, outcome_kind, outcome_reason, events)
SELECT date_trunc('month', day)::date, team, operation, outcome_kind, outcome_reason, sum(events)
FROM audit_daily_count
GROUP BY 1, 2, 3, 4, 5;

REVOKE ALL ON audit_daily_count, audit_monthly_count FROM PUBLIC;
-- The trigger runs as the appender: it reads and moves the counts, never removes them.
GRANT SELECT, INSERT, UPDATE ON audit_daily_count, audit_monthly_count TO vpsr_app;
