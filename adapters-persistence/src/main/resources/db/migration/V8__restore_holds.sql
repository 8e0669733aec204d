-- Restores as a server lifecycle (issue 11, ADR 0026). A restore's hold on its server is its
-- operation: not final, its window (deadline) not ended. Nothing is rewritten: new values only.

-- The owning team ends a hold early: the restore's operation ends 'released'.
ALTER TABLE recovery_operation DROP CONSTRAINT recovery_operation_state_check;
ALTER TABLE recovery_operation ADD CONSTRAINT recovery_operation_state_check
    CHECK (state IN ('accepted', 'in_progress', 'unresolved', 'completed', 'failed', 'vanished', 'timed_out',
                     'released'));

-- The server the resource belongs to when it is another one: the backup of another server a restore
-- reads from (shown as the hold's source; that backup is kept while the hold lasts).
ALTER TABLE recovery_operation ADD COLUMN resource_server_id bigint CHECK (resource_server_id > 0);
ALTER TABLE recovery_operation ADD CONSTRAINT recovery_operation_resource_server
    CHECK (resource_server_id IS NULL OR (resource_id IS NOT NULL AND resource_server_id <> server_id));

-- The holds in force, by the recovery point they read (a delete's check) and by the server they hold.
CREATE INDEX recovery_operation_live_restore ON recovery_operation (resource_type, resource_id, deadline)
    WHERE kind IN ('RESTORE_SNAPSHOT', 'RESTORE_SERVER_FROM_BACKUP') AND state IN ('accepted', 'in_progress', 'unresolved');

-- The release itself is audited: a new operation name in the append-only history.
ALTER TABLE audit_event DROP CONSTRAINT audit_event_operation_check;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_operation_check
    CHECK (operation IN ('CREATE_SNAPSHOT', 'RESTORE_SNAPSHOT', 'DELETE_SNAPSHOT', 'CREATE_MANUAL_BACKUP',
                         'DELETE_BACKUP', 'RESTORE_SERVER_FROM_BACKUP', 'RELEASE_RESTORE_HOLD'));
