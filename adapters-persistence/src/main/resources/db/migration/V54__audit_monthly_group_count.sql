-- A summary by month read audit_monthly_count's rows, one per reason as well (issue 13, docs/adr/0138): every team's
-- year team by team is ~45,000 rows at 10 M events for ~15,600 counts, each carried to the service and folded. This
-- table holds the months' groups without the reason (a row is one count of the answer), as V34's day groups do; the
-- reasons keep coming summed by the database from audit_monthly_count.
CREATE TABLE audit_monthly_group_count (
    day          date   NOT NULL,
    team         text   NOT NULL,
    operation    text   NOT NULL,
    outcome_kind text   NOT NULL,
    events       bigint NOT NULL CHECK (events > 0),
    CONSTRAINT audit_monthly_group_count_pkey PRIMARY KEY (day, team, operation, outcome_kind)
);
COMMENT ON TABLE audit_monthly_group_count IS 'Audit events per UTC month (its first day), team, operation and outcome: audit_monthly_count summed over the reasons, kept by its trigger audit_monthly_count_grouped.';

-- Kept from audit_monthly_count's own rows rather than by another part of audit_count_fold(): whatever writes the
-- month counts (this release's fold, a fold of an older release still running during a deploy, one that waited on
-- this migration's lock with the old function's text) moves the groups in the same statement. Rows arrive in the
-- fold's key order, so two folds take the group rows in one order. Month counts only grow (no DELETE is granted).
CREATE FUNCTION audit_monthly_count_grouped() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO audit_monthly_group_count AS g (day, team, operation, outcome_kind, events)
    VALUES (NEW.day, NEW.team, NEW.operation, NEW.outcome_kind,
            NEW.events - CASE WHEN TG_OP = 'UPDATE' THEN OLD.events ELSE 0 END)
    ON CONFLICT (day, team, operation, outcome_kind) DO UPDATE SET events = g.events + excluded.events;
    RETURN NULL;
END;
$$;

-- No month count may change between the trigger's creation and the backfill's snapshot: hold folds off until the
-- commit (appends go on: they write only audit_count_delta). A bounded wait, so a busy moment fails the start.
SET LOCAL lock_timeout = '5s';
LOCK TABLE audit_monthly_count IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER audit_monthly_count_grouped
    AFTER INSERT OR UPDATE OF events ON audit_monthly_count
    FOR EACH ROW EXECUTE FUNCTION audit_monthly_count_grouped();

INSERT INTO audit_monthly_group_count (day, team, operation, outcome_kind, events)
SELECT day, team, operation, outcome_kind, sum(events)
FROM audit_monthly_count
GROUP BY 1, 2, 3, 4;

-- Written by the fold's trigger as the fold's role, read by the summaries.
GRANT SELECT, INSERT, UPDATE ON audit_monthly_group_count TO vpsr_app;
