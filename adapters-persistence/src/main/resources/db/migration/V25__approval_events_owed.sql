-- Approval steps' audit events owed, and the settle-approvals job's indexes (issue 15 item 2, ADR 0040).
SET LOCAL lock_timeout = '5s';

-- A step of an approval (asked, approved, denied, expired, given up) is written to its operation first and audited
-- just after; a crash in between would lose the event. The step's write marks its event owed here, in the same
-- statement, and the job writes every owed event the history lacks, then clears the mark. One entry per step:
-- '<audit operation> <request id>'. A nullable column without a default: a catalogue change, no rewrite or scan.
ALTER TABLE recovery_operation ADD COLUMN approval_events_owed text[];

-- RecoveryOperations.dueIn: one state, due by a time, the earliest first. Not partial: the state is a bind
-- parameter, and a generic plan cannot prove a partial index's predicate from it.
-- Not CONCURRENTLY: Flyway holds its PostgreSQL lock in an open transaction, which a concurrent build waits for
-- without end (flyway/flyway#3682). A plain build holds writes to recovery_operation (one row per operation) for
-- one scan of it.
CREATE INDEX recovery_operation_due_in ON recovery_operation (state, next_check_at, id);

-- The operations whose approval steps' events are owed: few, and only for a short while.
CREATE INDEX recovery_operation_approval_events_owed ON recovery_operation (updated_at, id)
    WHERE approval_events_owed IS NOT NULL;
