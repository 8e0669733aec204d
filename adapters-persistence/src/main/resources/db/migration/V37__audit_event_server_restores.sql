-- A delete and a restore ask whether a restore written before operations existed (pre-V6, ADR 0026) still holds the
-- server: its restore events of the restore window. Without an index naming the restores, that read walked the
-- server's (or every team's) events of the window, growing with the history: 3.9 ms for no row at 11,000 events, on
-- every delete (issue 13). Restores are rare, so this index is small, and an append of any other event only tests
-- its predicate. The read's operations are bound as parameters; PostgreSQL proves the predicate on each execution's
-- own plan (a custom plan: the generic one, which cannot use it, is estimated far dearer).
-- Built inside the migration's transaction, as V15's and V17's (docs/architecture.md, "Migrations on large tables"):
-- it blocks appends while it reads the table, so on a large history migrate in a quiet hour.
SET LOCAL lock_timeout = '10s';

CREATE INDEX audit_event_server_restores ON audit_event (server_id, occurred_at)
    WHERE operation IN ('RESTORE_SNAPSHOT', 'RESTORE_SERVER_FROM_BACKUP');
