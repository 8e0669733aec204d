-- A summary by day answers one count per day, team, operation and outcome, and its reasons only as
-- totals over the period (issue 13, docs/adr/0060). audit_daily_count holds a row per reason as well:
-- at 10 M events a year about 3.5 rows per count the answer gives. These two tables split it: the
-- summary's groups without the reason (a row is one count of the answer), and the reasons per day, team
-- and outcome without the operation (summed by the database, a few dozen rows come back). Kept by the
-- same statement trigger as V28's tables, in the same transaction as the events.
CREATE TABLE audit_daily_group_count (
    day          date   NOT NULL,
    team         text   NOT NULL,
    operation    text   NOT NULL,
    outcome_kind text   NOT NULL,
    events       bigint NOT NULL CHECK (events > 0),
    CONSTRAINT audit_daily_group_count_pkey PRIMARY KEY (day, team, operation, outcome_kind)
);
COMMENT ON TABLE audit_daily_group_count IS 'Audit events per UTC day, team, operation and outcome; maintained by audit_event_count_days.';

CREATE TABLE audit_daily_reason_count (
    day            date   NOT NULL,
    team           text   NOT NULL,
    outcome_kind   text   NOT NULL,
    outcome_reason text,
    events         bigint NOT NULL CHECK (events > 0)
);
-- A missing reason is one group of its own (ON CONFLICT needs NULLS NOT DISTINCT).
CREATE UNIQUE INDEX audit_daily_reason_count_group ON audit_daily_reason_count
    (day, team, outcome_kind, outcome_reason) NULLS NOT DISTINCT;
COMMENT ON TABLE audit_daily_reason_count IS 'Audit events per UTC day, team, outcome and reason; maintained by audit_event_count_days.';

-- No append may commit between the function's replacement and the backfill below (the old function
-- would not count it here, and the backfill's snapshot would not see it): hold them off until the commit.
SET LOCAL lock_timeout = '5s';
LOCK TABLE audit_event IN SHARE ROW EXCLUSIVE MODE;

-- V28's two upserts, then the two new ones; appends are ordered by the chain head row lock (ADR 0005).
CREATE OR REPLACE FUNCTION audit_event_count_days() RETURNS trigger
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
    INSERT INTO audit_daily_group_count AS c (day, team, operation, outcome_kind, events)
    SELECT (occurred_at AT TIME ZONE 'UTC')::date, team, operation, outcome_kind, count(*)
    FROM added
    GROUP BY 1, 2, 3, 4
    ON CONFLICT (day, team, operation, outcome_kind)
        DO UPDATE SET events = c.events + excluded.events;
    INSERT INTO audit_daily_reason_count AS c (day, team, outcome_kind, outcome_reason, events)
    SELECT (occurred_at AT TIME ZONE 'UTC')::date, team, outcome_kind, outcome_reason, count(*)
    FROM added
    GROUP BY 1, 2, 3, 4
    ON CONFLICT (day, team, outcome_kind, outcome_reason)
        DO UPDATE SET events = c.events + excluded.events;
    RETURN NULL;
END;
$$;

-- From the day counts, which hold every event once (V28): one pass of the smaller table, not of the events.
INSERT INTO audit_daily_group_count (day, team, operation, outcome_kind, events)
SELECT day, team, operation, outcome_kind, sum(events)
FROM audit_daily_count
GROUP BY 1, 2, 3, 4;

INSERT INTO audit_daily_reason_count (day, team, outcome_kind, outcome_reason, events)
SELECT day, team, outcome_kind, outcome_reason, sum(events)
FROM audit_daily_count
GROUP BY 1, 2, 3, 4;

REVOKE ALL ON audit_daily_group_count, audit_daily_reason_count FROM PUBLIC;
-- The trigger runs as the appender: it reads and moves the counts, never removes them.
GRANT SELECT, INSERT, UPDATE ON audit_daily_group_count, audit_daily_reason_count TO vpsr_app;
