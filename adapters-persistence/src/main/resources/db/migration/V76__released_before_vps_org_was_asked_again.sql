-- V63's backfill, once more (ADR 0029, amended in session 55). V63 read the session-40 release's words once, at its own
-- migration; instances of that release still running during the roll-out released restores afterwards, their words in
-- the note and the new column at its default false. Such a restore whose end event was lost was then reconciled as
-- UNVERIFIABLE instead of FAILED (ReconcilePendingIntentsService). Idempotent: only rows still false are touched.
-- Only released restores are read (V53's partial recovery_operation_due_in, its predicate written out as in V63). A lock
-- not granted in time fails the migration rather than queue every operation move behind it.
SET LOCAL lock_timeout = '5s';

UPDATE recovery_operation SET released_before_vps_org_was_asked = true
WHERE state NOT IN ('accepted', 'in_progress', 'completed') AND state = 'released'
  AND kind IN ('RESTORE_SNAPSHOT', 'RESTORE_SERVER_FROM_BACKUP')
  AND NOT released_before_vps_org_was_asked
  AND starts_with(note, 'released while it waited for its safety snapshot, before VPS.org was asked to restore');
