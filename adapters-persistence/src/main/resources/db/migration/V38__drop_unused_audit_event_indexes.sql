-- Two indexes of audit_event that every append of theirs maintains and that no read uses (issue 13, docs/adr/0074;
-- EXPLAIN at 1 M events, with each and without):
-- - audit_event_intents (V1: an intent's time, for each ACCEPTED event): the pending-intents query orders by sequence
--   and walks the primary key, with this index or without it; nothing else filters intents by time.
-- - audit_event_attempt (V5: detail.attempt_id, for each event that has one, every intent and outcome of an attempt):
--   the pending-intents query matches the attempt inside a CASE, which no index can serve; its probe for a later
--   outcome is a range of the primary key either way. Nothing else reads by attempt id.
-- DROP INDEX takes a brief ACCESS EXCLUSIVE lock on audit_event (no scan, no rewrite: a catalogue change and the files
-- removed, milliseconds at any size) once the reads and appends in flight end; a lock not granted within the timeout
-- fails the migration rather than queue every append behind a long report.
SET LOCAL lock_timeout = '5s';

DROP INDEX audit_event_intents;
DROP INDEX audit_event_attempt;
