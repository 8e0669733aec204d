-- Three indexes of audit_event by time that every append of theirs maintains and that a range of sequences now serves
-- (issue 13, docs/adr/0101; EXPLAIN at 1 M events, with each and without):
-- - audit_event_team_time (V1: team, occurred_at; every event) and audit_event_server_time (V1: server_id, occurred_at;
--   every event with a server): since ADR 0077 a page's period is a range of sequences, read on the indexes ending in
--   sequence; no read of the adapters chose them in the harness's reports or the service's own reads (a team's step of
--   an approval took team_time in a bitmap, and takes (team, operation, sequence) without it, fewer buffers).
-- - audit_event_time_summary (V4: occurred_at INCLUDE team, operation, outcome_kind, outcome_reason; every event, the
--   widest entry): a summary's partial edge days now read their days' sequences (V39, V46) on the primary key.
-- DROP INDEX takes a brief ACCESS EXCLUSIVE lock on audit_event (no scan, no rewrite: a catalogue change and the files
-- removed, milliseconds at any size) once the reads and appends in flight end; a lock not granted within the timeout
-- fails the migration rather than queue every append behind a long report.
SET LOCAL lock_timeout = '5s';

DROP INDEX audit_event_team_time;
DROP INDEX audit_event_server_time;
DROP INDEX audit_event_time_summary;
