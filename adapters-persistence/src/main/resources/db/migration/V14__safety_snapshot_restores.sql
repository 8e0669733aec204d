-- A safety snapshot before every restore (issue 14 item 6, ADR 0029): a restore is stored before VPS.org
-- is asked, in the state 'awaiting_safety_snapshot', until its safety snapshot completes. It holds its
-- server like any restore not final. The states allowed are read from the constraint as it stands and
-- extended, so states other migrations add are kept.
DO
$$
DECLARE
    known text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO known
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
    WHERE c.conrelid = 'recovery_operation'::regclass AND c.conname = 'recovery_operation_state_check';
    known := ARRAY(SELECT DISTINCT unnest(known || ARRAY['awaiting_safety_snapshot']) ORDER BY 1);
    ALTER TABLE recovery_operation DROP CONSTRAINT recovery_operation_state_check;
    EXECUTE format('ALTER TABLE recovery_operation ADD CONSTRAINT recovery_operation_state_check CHECK (state IN (%s))',
                   (SELECT string_agg(quote_literal(name), ', ') FROM unnest(known) AS name));
END;
$$;

-- The holds in force now include waiting restores.
DROP INDEX recovery_operation_live_restore;
CREATE INDEX recovery_operation_live_restore ON recovery_operation (resource_type, resource_id, deadline)
    WHERE kind IN ('RESTORE_SNAPSHOT', 'RESTORE_SERVER_FROM_BACKUP')
      AND state IN ('accepted', 'in_progress', 'unresolved', 'awaiting_safety_snapshot');

-- The continuation's work list.
CREATE INDEX recovery_operation_awaiting_safety_snapshot ON recovery_operation (accepted_at)
    WHERE state = 'awaiting_safety_snapshot';
