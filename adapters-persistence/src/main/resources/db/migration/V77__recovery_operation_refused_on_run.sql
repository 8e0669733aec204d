-- The reason an approved run was refused when it came to run (ADR 0040, amended in session 56): the release before this
-- one kept it only as the start of the free-text note ('refused when it came to run: <REASON>: ...') and read it back
-- from those words for the REJECTED event the settle job makes again from the row, so a note cut, reworded or translated
-- changed the reason the history names. Now a column of its own, the reason's name (ReasonCode), with the row's version
-- it was written at: every move of this release writes both (the name null for any other move); a move of the release
-- before leaves them as they were and writes its note words, so OperationRows reads the column only where its version
-- is the row's and the note's start otherwise (as V75's pause_hold). Nullable, no default: a catalogue change, no
-- rewrite. A lock not granted in time fails the migration rather than queue every operation move behind it.
SET LOCAL lock_timeout = '5s';
ALTER TABLE recovery_operation ADD COLUMN refused_on_run_reason text, ADD COLUMN refused_on_run_version integer;

-- The rows the release before refused keep their reason: their note began with these words then, the reason's name up
-- to the next ':' (ApprovedRunClaim.refusedOnRun/refusedOnRunFor, sessions 40-55). Parsed here once for the stored rows;
-- a word that is no reason's name is left for OperationRows, which reads no reason from it, as that release did. Only
-- rejected rows are read: V53's partial recovery_operation_due_in holds them, its predicate written out so the planner
-- can prove it.
UPDATE recovery_operation SET refused_on_run_version = version,
    refused_on_run_reason = split_part(substr(note, length('refused when it came to run: ') + 1), ':', 1)
WHERE state NOT IN ('accepted', 'in_progress', 'completed') AND state = 'rejected'
  AND starts_with(note, 'refused when it came to run: ')
  AND split_part(substr(note, length('refused when it came to run: ') + 1), ':', 1) ~ '^[A-Z][A-Z0-9_]*$';
