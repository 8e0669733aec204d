-- One statement trigger for what an append keeps beside the events (issue 13, docs/adr/0080): the days' sequence
-- bounds (V39) and the counts (V40) were two AFTER INSERT triggers, each a plpgsql call with its own scan of the
-- transition table and its own statement. Now one function, one statement: the events grouped once, then the five
-- upserts. The tables, their keys and what they hold do not change.
-- No append may run between the two triggers' drop and the new one's creation (it would move neither the counts nor
-- the bounds): hold them off until the commit (reads go on); a bounded wait, so a busy moment fails the start.
SET LOCAL lock_timeout = '5s';
LOCK TABLE audit_event IN SHARE ROW EXCLUSIVE MODE;

DROP TRIGGER audit_event_day_sequences ON audit_event;
DROP TRIGGER audit_event_count_days ON audit_event;
DROP FUNCTION audit_event_day_sequences();
DROP FUNCTION audit_event_count_days();

CREATE FUNCTION audit_event_added() RETURNS trigger
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

CREATE TRIGGER audit_event_added
    AFTER INSERT ON audit_event
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_added();

COMMENT ON TABLE audit_event_day_sequence IS 'The lowest and highest sequence of the audit events of each UTC day; maintained by audit_event_added.';
COMMENT ON TABLE audit_monthly_count IS 'Audit events per UTC month (its first day) and summary group; maintained by audit_event_added.';
COMMENT ON TABLE audit_daily_group_count IS 'Audit events per UTC day, team, operation and outcome; maintained by audit_event_added.';
COMMENT ON TABLE audit_daily_reason_count IS 'Audit events per UTC day, team, outcome and reason; maintained by audit_event_added.';
COMMENT ON TABLE audit_daily_platform_count IS 'Audit events per UTC day, operation, outcome and reason over every team; maintained by audit_event_added.';
