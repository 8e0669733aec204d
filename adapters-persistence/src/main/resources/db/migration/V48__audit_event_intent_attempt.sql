-- The tracker reads, for each operation it ends, its attempt's intent and final outcomes (issue 13, docs/adr/0108).
-- It found them by request id (V1's audit_event_request: request id, operation, sequence) from the first sequence of
-- the day before the intent: a request id is the caller's and may be sent with any number of requests (ADR 0027), and
-- the walk then read every event of that request id and operation since the day began, more every minute of the day.
-- The attempt id is one attempt's: its final outcomes are V47's index, its intent this one. Partial on the intents
-- that name an attempt: an outcome, a refusal or an event of no attempt only tests the predicate when appended.
-- Built inside the migration's transaction, as V37's, V45's and V47's (docs/architecture.md, "Migrations on large
-- tables"): it blocks appends while it reads the table, so on a large history migrate in a quiet hour.
SET LOCAL lock_timeout = '10s';

CREATE INDEX audit_event_intent_attempt ON audit_event ((detail->>'attempt_id'), sequence)
    WHERE outcome_kind = 'ACCEPTED' AND (detail->>'attempt_id') IS NOT NULL;
