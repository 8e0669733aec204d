-- vps-recovery needs PostgreSQL 17 or newer (ADR 0102, amended in session 42): the audit's wait for the WAL's flush is
-- pg_logical_emit_message's fourth argument, PostgreSQL 17's. On 15 or 16 every migration before this one runs and
-- the pool answers, but every append that waits for that flush fails after its COMMIT: the event is saved, then
-- reported failed. So the schema stops here, and the start with it, naming the version found. Changes nothing.
DO $$
BEGIN
    IF current_setting('server_version_num')::int < 170000 THEN
        RAISE EXCEPTION 'vps-recovery needs PostgreSQL 17 or newer; this server is PostgreSQL %',
            current_setting('server_version')
            USING HINT = 'upgrade the server (pg_upgrade, or a dump restored into 17), then start vps-recovery again';
    END IF;
END
$$;
