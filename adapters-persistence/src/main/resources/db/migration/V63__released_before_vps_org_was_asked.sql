-- A restore released while it waited for its safety snapshot was never asked of VPS.org: the reconciler writes its lost
-- end as not done (FAILED), any other released restore's as unverifiable (ADR 0029, amended in session 41). The
-- session-40 release kept that fact as words at the start of the free-text note and parsed them back; it is a column
-- now, written by the release and read by nothing but OperationRows. A constant default: a catalogue change, no
-- rewrite; the release before this one neither writes nor reads it. A lock not granted in time fails the migration
-- rather than queue every operation move behind it.
SET LOCAL lock_timeout = '5s';
ALTER TABLE recovery_operation ADD COLUMN released_before_vps_org_was_asked boolean NOT NULL DEFAULT false;

-- The restores the session-40 release released while they waited keep their meaning: its note began with these words
-- exactly then (RecoveryOperation.releasedEarly). Parsed here once, never again. Only released rows are read: V53's
-- partial recovery_operation_due_in holds them, its predicate written out so the planner can prove it.
UPDATE recovery_operation SET released_before_vps_org_was_asked = true
WHERE state NOT IN ('accepted', 'in_progress', 'completed') AND state = 'released'
  AND kind IN ('RESTORE_SNAPSHOT', 'RESTORE_SERVER_FROM_BACKUP')
  AND starts_with(note, 'released while it waited for its safety snapshot, before VPS.org was asked to restore');
