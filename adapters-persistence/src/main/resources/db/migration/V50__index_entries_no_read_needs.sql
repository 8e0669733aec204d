-- Index entries that every audit append and every operation move wrote for no read (issue 13, docs/adr/0112).
-- - audit_event_team_time and audit_event_server_time (V1: team or server, then time; one entry for every event, one for
--   every event with a server): since the pages read a period as a range of sequences (V39, ADR 0077) no read chooses
--   them, on custom or generic plans (ADR 0101's inventory at 1 M events; ADR 0112's at 100,000). A team's and a
--   server's pages read V4's (team, sequence) and (server_id, sequence), the restore read V37's index, the recovery
--   activity V4's completed events.
-- - recovery_operation_due_in (V25: state, next check, id; every operation, in every version an update writes): its
--   readers are the approvals' work lists (RecoveryOperations.dueIn) and, on custom plans, a list of the operations of
--   one state over every team (an auditor's) of a state other than in_progress (which reads V6's open operations) and
--   completed (most rows: a sequential scan, with or without it). Partial on every state but those two, a create's
--   and a delete's moves (accepted, then in_progress, then completed) write no entry; their insert still does, so the
--   list of accepted operations keeps its plan. The work lists' statement names the two states, so a generic plan
--   proves the predicate (ADR 0085's way).
-- DROP INDEX takes a brief ACCESS EXCLUSIVE lock on audit_event (a catalogue change and the files removed, no scan,
-- milliseconds at any size) once the reads and appends in flight end; the new partial index reads recovery_operation
-- once (one row per operation) while it holds writes to it. A lock not granted within the timeout fails the migration
-- rather than queue every append behind a long report.
SET LOCAL lock_timeout = '5s';

DROP INDEX audit_event_team_time;
DROP INDEX audit_event_server_time;

DROP INDEX recovery_operation_due_in;
CREATE INDEX recovery_operation_due_in ON recovery_operation (state, next_check_at, id)
    WHERE state NOT IN ('in_progress', 'completed');
