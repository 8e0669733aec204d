-- An operation's insert wrote an entry in recovery_operation_due_in that no read needs (issue 13, docs/adr/0123).
-- V50 made it partial on every state but in_progress and completed; every create and delete is inserted 'accepted',
-- so each still wrote one. Its readers are the approvals' work lists (RecoveryOperations.dueIn of pending_approval and
-- approved) and a list of the operations of one rare state; a list of the accepted ones reads V6's
-- recovery_operation_open (accepted, in progress and unresolved, fewer rows) on main's indexes already, and
-- RecoveryOperations.dueIn of an open state reads it too (its predicate written out, OperationRowRepository.dueInOpen).
-- The new partial index reads recovery_operation once (one row per operation) while it holds writes to it; a lock not
-- granted within the timeout fails the migration rather than queue every write behind a long read.
SET LOCAL lock_timeout = '5s';

DROP INDEX recovery_operation_due_in;
CREATE INDEX recovery_operation_due_in ON recovery_operation (state, next_check_at, id)
    WHERE state NOT IN ('accepted', 'in_progress', 'completed');
