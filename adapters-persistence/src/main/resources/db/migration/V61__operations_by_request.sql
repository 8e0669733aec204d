-- A policy run's create is found by the run's request id (ADR 0036, amended in session 39): by this index, not by
-- reading the team and server's newest operations, which a busy server may have pushed the run's out of.
CREATE INDEX recovery_operation_request ON recovery_operation (team, request_id);
