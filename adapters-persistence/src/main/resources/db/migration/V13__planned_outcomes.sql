-- Dry-run plans of destructive work are audited as plans (issue 14 item 4, ADR 0029): the outcome kind
-- PLANNED, with no reason and no cause (the ELSE branch of audit_event_outcome_shape). The kinds allowed
-- are read from the constraint as it stands and extended, so kinds other migrations add are kept.
DO
$$
DECLARE
    known text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO known
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([A-Z_]+)''', 'g') AS m
    WHERE c.conrelid = 'audit_event'::regclass AND c.conname = 'audit_event_outcome_kind_check';
    known := ARRAY(SELECT DISTINCT unnest(known || ARRAY['PLANNED']) ORDER BY 1);
    ALTER TABLE audit_event DROP CONSTRAINT audit_event_outcome_kind_check;
    EXECUTE format('ALTER TABLE audit_event ADD CONSTRAINT audit_event_outcome_kind_check CHECK (outcome_kind IN (%s))',
                   (SELECT string_agg(quote_literal(name), ', ') FROM unnest(known) AS name));
END;
$$;
