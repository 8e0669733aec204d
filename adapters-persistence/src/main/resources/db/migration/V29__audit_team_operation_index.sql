-- Filtered pages at 10 M events (issue 13, docs/adr/0046): a team's events of one operation, with or
-- without an outcome, were a backward walk of the primary key (~0.2 s: the planner takes the combination
-- for spread evenly). This index makes them a short backward range scan like V4's. One more index on
-- every append (measured in docs/benchmarks.md); the other filters already have theirs.
-- Built in this transaction, blocking appends while it builds (seconds at 10 M events): CREATE INDEX
-- CONCURRENTLY hangs under Flyway 10's transactional PostgreSQL lock (docs/architecture.md,
-- "Migrations on large tables"); a lock not granted within the timeout fails the migration.
SET LOCAL lock_timeout = '5s';

CREATE INDEX audit_event_team_operation_sequence ON audit_event (team, operation, sequence);
