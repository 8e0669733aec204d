-- The tables kept beside the audit events are written only by the database's own functions, as the schema owner
-- (docs/adr/0119, amended in session 36). vpsr_app may not change or remove an event (V3), but it could UPDATE
-- audit_event_day_sequence (V39) and DELETE from audit_count_delta (V52), and every read of a time range turns the range
-- into sequences from those two tables (ADR 0077) with nothing checking them: narrowing a day's bounds or deleting the
-- deltas hid events from time-range pages, exports, the tracker's reads and the summaries while the chain still
-- verified. The app only reads these tables (AuditEventRowRepository.sequenceBounds, V46's functions,
-- AuditSummaryCounts); their writers are the append trigger audit_event_added() (deltas) and audit_count_fold() (the
-- deltas moved into the day bounds and the counts, whose own trigger audit_monthly_count_grouped() then runs as the
-- fold's owner). Those two now run as their owner, the role that ran the migrations and owns the tables, so the app
-- keeps SELECT alone. The previous release does the same (reads, appends, calls the fold): a rolling deploy goes on.
-- SECURITY DEFINER with a fixed search_path, pg_temp last (PostgreSQL's "Writing SECURITY DEFINER Functions
-- Safely"): no object of the caller's shadows the tables or pg_catalog's functions. The schema is the one migrated.
-- ALTER FUNCTION keeps each function's body, and the grants change at the same commit: no append runs between them.
DO
$$
DECLARE
    pinned text := format('pg_catalog, %I, pg_temp', current_schema());
BEGIN
    EXECUTE format('ALTER FUNCTION audit_event_added() SECURITY DEFINER SET search_path = %s', pinned);
    EXECUTE format('ALTER FUNCTION audit_count_fold() SECURITY DEFINER SET search_path = %s', pinned);
END;
$$;

-- Run as the owner, so only whom the owner names: the service folds (ADR 0119's job); the trigger needs no grant.
REVOKE ALL ON FUNCTION audit_event_added(), audit_count_fold() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_count_fold() TO vpsr_app;

-- Read, never written, by the app: the sequence bounds, the deltas and the five count tables.
REVOKE ALL ON audit_event_day_sequence, audit_count_delta, audit_daily_group_count, audit_daily_reason_count,
    audit_daily_platform_count, audit_monthly_count, audit_monthly_group_count FROM PUBLIC, vpsr_app;
GRANT SELECT ON audit_event_day_sequence, audit_count_delta, audit_daily_group_count, audit_daily_reason_count,
    audit_daily_platform_count, audit_monthly_count, audit_monthly_group_count TO vpsr_app;
