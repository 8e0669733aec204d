-- Indexes for the audit reports (docs/adr/0020). Pages are keyset-paginated on sequence, newest
-- first, so each common filter gets an index ending in sequence: the page is a short backward
-- range scan whatever the history's size.
CREATE INDEX audit_event_team_sequence ON audit_event (team, sequence);
CREATE INDEX audit_event_server_sequence ON audit_event (server_id, sequence) WHERE server_id IS NOT NULL;
-- Only rejected and failed events have a reason: a small partial index.
CREATE INDEX audit_event_reason_sequence ON audit_event (outcome_reason, sequence) WHERE outcome_reason IS NOT NULL;

-- The summary reads a period and groups by team, operation, outcome and reason: everything it
-- needs is in this index, so it is an index-only scan of the period.
CREATE INDEX audit_event_time_summary ON audit_event (occurred_at)
    INCLUDE (team, operation, outcome_kind, outcome_reason);

-- The recoverability report: the last completed create and restore of each server.
CREATE INDEX audit_event_server_completed ON audit_event (server_id, operation, occurred_at)
    WHERE outcome_kind = 'COMPLETED' AND server_id IS NOT NULL;
