-- A lock on audit_event not granted within the timeout fails the migration rather than queue every request.
SET LOCAL lock_timeout = '5s';

-- Drift detection (issue 14 item 7, ADR 0035): what the scans found at VPS.org that differs from the audit
-- history, each (point, kind) once; and the scans' memory of each server's automatic backups, which no audit
-- event names (so one gone can be told expired from deleted).
CREATE TABLE recovery_point_drift (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team           text        NOT NULL,
    server_id      bigint      NOT NULL CHECK (server_id > 0),
    resource_type  text        NOT NULL CHECK (resource_type IN ('SNAPSHOT', 'BACKUP')),
    resource_id    bigint      NOT NULL CHECK (resource_id > 0),
    kind           text        NOT NULL CHECK (kind IN ('created_outside', 'deleted_outside', 'automatic_backup_expired',
                                                        'stuck_in_progress')),
    detected_at    timestamptz NOT NULL,
    seen           text        NOT NULL CHECK (length(seen) BETWEEN 1 AND 500),
    resolved_at    timestamptz,
    resolution     text        CHECK (length(resolution) BETWEEN 1 AND 500),
    -- Recorded once, not again at every scan while it persists.
    CONSTRAINT recovery_point_drift_once UNIQUE (resource_type, resource_id, kind),
    CONSTRAINT recovery_point_drift_resolution_complete CHECK ((resolved_at IS NULL) = (resolution IS NULL)),
    CONSTRAINT recovery_point_drift_resolved_after CHECK (resolved_at IS NULL OR resolved_at >= detected_at),
    -- A point gone (deleted, expired) stays gone: only these two kinds go away.
    CONSTRAINT recovery_point_drift_resolvable CHECK (resolved_at IS NULL OR kind IN ('created_outside', 'stuck_in_progress'))
);

-- The scan's read of one server; the report's pages, newest first, per team or for everyone.
CREATE INDEX recovery_point_drift_server ON recovery_point_drift (server_id, id);
CREATE INDEX recovery_point_drift_team ON recovery_point_drift (team, id DESC);

-- Backup ids are unique across VPS.org's account, so the id alone keys a sighting.
CREATE TABLE automatic_backup_sighting (
    backup_id   bigint      PRIMARY KEY CHECK (backup_id > 0),
    server_id   bigint      NOT NULL CHECK (server_id > 0),
    expires_at  timestamptz
);
CREATE INDEX automatic_backup_sighting_server ON automatic_backup_sighting (server_id);

REVOKE ALL ON recovery_point_drift, automatic_backup_sighting FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON recovery_point_drift TO vpsr_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON automatic_backup_sighting TO vpsr_app;
DO
$$
BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO vpsr_app', pg_get_serial_sequence('recovery_point_drift', 'id'));
END;
$$;

-- Drifts are audited under two new operation names. The allowed names are read from the constraint as it
-- stands and extended, so names other migrations add (merged in any order) are kept. NOT VALID, as in V15:
-- audit_event is large; V20 validates it.
DO
$$
DECLARE
    known text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO known
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([A-Z_]+)''', 'g') AS m
    WHERE c.conrelid = 'audit_event'::regclass AND c.conname = 'audit_event_operation_check';
    known := ARRAY(SELECT DISTINCT unnest(known || ARRAY['DRIFT_DETECTED', 'DRIFT_RESOLVED']) ORDER BY 1);
    ALTER TABLE audit_event DROP CONSTRAINT audit_event_operation_check;
    EXECUTE format('ALTER TABLE audit_event ADD CONSTRAINT audit_event_operation_check CHECK (operation IN (%s)) NOT VALID',
                   (SELECT string_agg(quote_literal(name), ', ') FROM unnest(known) AS name));
END;
$$;
