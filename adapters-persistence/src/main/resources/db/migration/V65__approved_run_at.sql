-- The instant an approved operation ran (RecoveryOperation.run): an approved restore's hold on its server begins there,
-- not at accepted_at, which stays the time it was asked for (the operations' order and answer), perhaps hours before
-- the approval (ADR 0040, amended in session 43). Null for an operation that needed no approval, one not run, and one
-- run before this migration: those read as before (their hold from accepted_at). A nullable column with no default: a
-- catalogue change, no rewrite; the release before this one neither writes nor reads it, and its moves of a row leave
-- the column as it is. A lock not granted in time fails the migration rather than queue every operation move behind it.
SET LOCAL lock_timeout = '5s';
ALTER TABLE recovery_operation ADD COLUMN approved_run_at timestamptz;

-- Only an approved operation that ran has one, between its ask and its last move (the domain's rule, in the table too).
-- NOT VALID: no scan under this lock; every row before it has the column null, which the check holds, and every write
-- from now on is checked.
ALTER TABLE recovery_operation ADD CONSTRAINT recovery_operation_approved_run_at CHECK (approved_run_at IS NULL
    OR (approval_verdict = 'approve'
        AND state NOT IN ('pending_approval', 'approved', 'denied', 'expired', 'rejected')
        AND approved_run_at BETWEEN accepted_at AND updated_at)) NOT VALID;
