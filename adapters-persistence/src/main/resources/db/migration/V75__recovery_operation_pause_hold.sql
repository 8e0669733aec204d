-- Whether the pause after a platform database restore holds an approved run back (ADR 0043, amended in session 55):
-- the release before this one kept it only as the start of the free-text note and decided from those words. Now a
-- column of its own, the pause hold's name ('held_back', 'no_longer_held', 'given_up_while_held', 'none'), with the
-- row's version it was written at: every move of this release writes both; a move of the release before leaves them
-- as they were and writes its note words, so OperationRows reads the column only where its version is the row's and the
-- note's start otherwise. Nullable, no default: a catalogue change, no rewrite. A lock not granted in time fails the
-- migration rather than queue every operation move behind it.
SET LOCAL lock_timeout = '5s';
ALTER TABLE recovery_operation ADD COLUMN pause_hold text, ADD COLUMN pause_hold_version integer;

-- The rows the release before held back, superseded or gave up while held keep their meaning: their note began with
-- these words exactly then (ApprovalsService, ApprovalEvents, sessions 53-54). Parsed here once for the stored rows.
-- Only approved and rejected rows are read: V53's partial recovery_operation_due_in holds them, its predicate written out
-- so the planner can prove it.
UPDATE recovery_operation SET pause_hold_version = version, pause_hold = CASE
        WHEN state = 'approved' AND starts_with(note, 'held back: the platform''s database was restored from a backup '
            || 'and the service is paused until the operator has put it right; approved before the restore point, it '
            || 'runs once the service is restarted without the pause, if that is before its run-by time ')
            THEN 'held_back'
        WHEN state = 'approved' AND starts_with(note, 'no longer held back: the service runs normally again since the '
            || 'database restore; ')
            THEN 'no_longer_held'
        ELSE 'given_up_while_held' END
WHERE state NOT IN ('accepted', 'in_progress', 'completed') AND state IN ('approved', 'rejected')
  AND ((state = 'approved' AND (starts_with(note, 'held back: the platform''s database was restored from a backup '
            || 'and the service is paused until the operator has put it right; approved before the restore point, it '
            || 'runs once the service is restarted without the pause, if that is before its run-by time ')
        OR starts_with(note, 'no longer held back: the service runs normally again since the database restore; ')))
    OR (state = 'rejected' AND starts_with(note, 'approved before the restore point of the platform''s database, it '
            || 'was held back by the pause after that restore until its run-by time ')));
