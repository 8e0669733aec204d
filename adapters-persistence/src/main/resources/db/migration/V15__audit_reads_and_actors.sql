-- Reads of the audit are audited (issue 15 item 4, ADR 0034): the operation AUDIT_READ. The names allowed
-- are read from the constraint as it stands and extended, so names other migrations add are kept.
-- The actor of each event (ADR 0034) lives in the chained detail: no column, and old rows verify as before.
-- audit_event is large: the constraint is added NOT VALID (a brief lock, no scan; V20 validates it without
-- blocking writes), and a lock not granted within the timeout fails the migration rather than queue every
-- request behind it.
SET LOCAL lock_timeout = '5s';

DO
$$
DECLARE
    known text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO known
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([A-Z_]+)''', 'g') AS m
    WHERE c.conrelid = 'audit_event'::regclass AND c.conname = 'audit_event_operation_check';
    known := ARRAY(SELECT DISTINCT unnest(known || ARRAY['AUDIT_READ']) ORDER BY 1);
    ALTER TABLE audit_event DROP CONSTRAINT audit_event_operation_check;
    EXECUTE format('ALTER TABLE audit_event ADD CONSTRAINT audit_event_operation_check CHECK (operation IN (%s)) NOT VALID',
                   (SELECT string_agg(quote_literal(name), ', ') FROM unnest(known) AS name));
END;
$$;

-- "Who did this?": the audit list filters by actor subject (actor=...), served by this expression index.
-- Still built in this transaction (blocking writes to audit_event while it builds): CREATE INDEX CONCURRENTLY
-- hangs under Flyway 10's transactional PostgreSQL lock; see docs/architecture.md, "Migrations on large tables".
CREATE INDEX audit_event_actor_subject ON audit_event (jsonb_extract_path_text(detail, 'actor_subject'), sequence);
