-- A team's events of one reason, newest first (issue 13, docs/adr/0081): "our snapshot-limit refusals". No index had the
-- team and the reason together, so such a page read every event of the reason or of the team to find the team's
-- (1,285 buffers a page at 1 M events; about 10x at 10 M). Partial like V4's reason index: only an event with a reason
-- (a refusal or a failure) pays for it when appended; an intent, a submission or a completion does not.
-- Built in this transaction, appends waiting meanwhile (SHARE lock; 2 s at 1 M events, about 20-60 s at 10 M):
-- migrate a large history in a quiet hour (ADR 0077 on CREATE INDEX CONCURRENTLY under Flyway).
SET LOCAL lock_timeout = '5s';
CREATE INDEX audit_event_team_reason_sequence ON audit_event (team, outcome_reason, sequence)
    WHERE outcome_reason IS NOT NULL;
