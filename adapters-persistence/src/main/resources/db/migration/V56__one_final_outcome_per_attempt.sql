-- An attempt ends once (docs/adr/0142): a second final outcome of one attempt id is refused by the database, so that
-- two writers that each found no end on record (a flush of kept events and the tracker, two instances, the
-- reconciler) cannot both write one. V47's index by attempt id becomes unique: the same entries, no index more on the
-- append's path. The sequence rides along (INCLUDE) for the pending-intent walk's "a later one" (ADR 0107).
-- A history that already holds an attempt with two final outcomes (written before this) keeps V47's index as it is,
-- and the rule holds for the events after the last such: they are the past's, and the chain keeps them as written.
-- Built inside the migration's transaction, as V47's (docs/architecture.md, "Migrations on large tables"): the table is
-- locked in SHARE mode first (appends wait, reads go on, as for V47's build), so no end is appended between the check
-- and the build; the new index is built under another name, and only then is V47's dropped and the new one renamed:
-- the drop's ACCESS EXCLUSIVE lock, which would stop reads too, is taken for that moment only. On a large history,
-- migrate in a quiet hour.
SET LOCAL lock_timeout = '10s';

LOCK TABLE audit_event IN SHARE MODE;

DO $$
DECLARE
    last_of_two bigint;
BEGIN
    SELECT max(sequence) INTO last_of_two FROM (
        SELECT sequence, count(*) OVER (PARTITION BY detail->>'attempt_id') AS ends
        FROM audit_event
        WHERE outcome_kind IN ('COMPLETED', 'FAILED', 'UNVERIFIABLE') AND (detail->>'attempt_id') IS NOT NULL) f
    WHERE ends > 1;
    IF last_of_two IS NULL THEN
        CREATE UNIQUE INDEX audit_event_final_outcome_attempt_unique ON audit_event ((detail->>'attempt_id'))
            INCLUDE (sequence)
            WHERE outcome_kind IN ('COMPLETED', 'FAILED', 'UNVERIFIABLE') AND (detail->>'attempt_id') IS NOT NULL;
        DROP INDEX audit_event_final_outcome_attempt;
        ALTER INDEX audit_event_final_outcome_attempt_unique RENAME TO audit_event_final_outcome_attempt;
    ELSE
        RAISE WARNING 'the audit history holds attempts with two final outcomes, the last at sequence %; one final '
            'outcome per attempt is enforced from there on (ADR 0142)', last_of_two;
        EXECUTE format('CREATE UNIQUE INDEX audit_event_one_final_per_attempt ON audit_event ((detail->>''attempt_id'')) '
            'WHERE outcome_kind IN (''COMPLETED'', ''FAILED'', ''UNVERIFIABLE'') AND (detail->>''attempt_id'') IS NOT NULL '
            'AND sequence > %s', last_of_two);
    END IF;
END
$$;
