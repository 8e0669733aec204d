-- Pending changes' approval steps' audit events owed (ADR 0043, as V25 for operations, ADR 0040).
SET LOCAL lock_timeout = '5s';

-- A step of a pending change's approval (asked, approved, denied, expired) is written to its row first and audited
-- just after; a crash in between would lose the event. The step's write marks its event owed here, in the same
-- statement, and the settle-approvals job writes every owed event the history lacks, then clears the mark. One entry
-- per step: '<audit operation> <request id>'. A nullable column without a default: a catalogue change, no rewrite.
ALTER TABLE pending_change ADD COLUMN approval_events_owed text[];

-- The changes whose approval steps' events are owed: few, and only for a short while. Not CONCURRENTLY (see V25):
-- pending_change is small, one row per change asked for.
CREATE INDEX pending_change_approval_events_owed ON pending_change (updated_at, id)
    WHERE approval_events_owed IS NOT NULL;
