-- Holds on snapshots and backups (issue 14 item 5, ADR 0029). A held point is deleted by nobody until
-- every hold on it is released. Rows are never removed: a release is written over an active hold once.
CREATE TABLE recovery_point_hold (
    id             uuid        PRIMARY KEY,
    team           text        NOT NULL,
    server_id      bigint      NOT NULL CHECK (server_id > 0),
    resource_type  text        NOT NULL CHECK (resource_type IN ('SNAPSHOT', 'BACKUP')),
    resource_id    bigint      NOT NULL CHECK (resource_id > 0),
    kind           text        NOT NULL CHECK (kind IN ('team', 'legal')),
    reason         text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 255),
    placed_by      text        NOT NULL CHECK (placed_by ~ '^(team|auditor):'),
    placed_at      timestamptz NOT NULL,
    released_by    text        CHECK (released_by ~ '^(team|auditor):'),
    released_at    timestamptz,
    CONSTRAINT recovery_point_hold_release_complete CHECK ((released_by IS NULL) = (released_at IS NULL)),
    CONSTRAINT recovery_point_hold_released_after CHECK (released_at IS NULL OR released_at >= placed_at),
    -- Only auditors place and release legal holds.
    CONSTRAINT recovery_point_hold_legal_by_auditors CHECK (kind <> 'legal'
        OR (placed_by LIKE 'auditor:%' AND (released_by IS NULL OR released_by LIKE 'auditor:%')))
);

-- A delete's check and retention's question: the active holds on a point.
CREATE INDEX recovery_point_hold_active ON recovery_point_hold (resource_type, resource_id) WHERE released_at IS NULL;
CREATE INDEX recovery_point_hold_point ON recovery_point_hold (resource_type, resource_id, placed_at DESC);

REVOKE ALL ON recovery_point_hold FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON recovery_point_hold TO vpsr_app;

-- Placing and releasing are audited under two new operation names. The allowed names are read from the
-- constraint as it stands and extended, so names other migrations add (merged in any order) are kept.
DO
$$
DECLARE
    known text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO known
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([A-Z_]+)''', 'g') AS m
    WHERE c.conrelid = 'audit_event'::regclass AND c.conname = 'audit_event_operation_check';
    known := ARRAY(SELECT DISTINCT unnest(known || ARRAY['PLACE_RECOVERY_POINT_HOLD', 'RELEASE_RECOVERY_POINT_HOLD']) ORDER BY 1);
    ALTER TABLE audit_event DROP CONSTRAINT audit_event_operation_check;
    -- Written as ARRAY['A', 'B'] so the definition keeps each name quoted for the next migration to read.
    EXECUTE format('ALTER TABLE audit_event ADD CONSTRAINT audit_event_operation_check CHECK (operation IN (%s))',
                   (SELECT string_agg(quote_literal(name), ', ') FROM unnest(known) AS name));
END;
$$;
