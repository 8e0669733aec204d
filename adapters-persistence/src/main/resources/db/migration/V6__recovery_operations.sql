-- Operations followed to their end (issue 11, ADR 0024), and db-scheduler's table for jobs that run
-- once across every service instance.

-- SUBMITTED: VPS.org took the attempt; not final. No reason, no cause (the ELSE branch of the shape).
ALTER TABLE audit_event DROP CONSTRAINT audit_event_outcome_kind_check;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_outcome_kind_check
    CHECK (outcome_kind IN ('ACCEPTED', 'REJECTED', 'FAILED', 'COMPLETED', 'UNRESOLVED', 'UNVERIFIABLE', 'SUBMITTED'));

CREATE TABLE recovery_operation (
    id             uuid        PRIMARY KEY,
    team           text        NOT NULL,
    request_id     text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('CREATE_SNAPSHOT', 'RESTORE_SNAPSHOT', 'DELETE_SNAPSHOT',
                                   'CREATE_MANUAL_BACKUP', 'DELETE_BACKUP', 'RESTORE_SERVER_FROM_BACKUP')),
    server_id      bigint      NOT NULL CHECK (server_id > 0),
    resource_type  text        CHECK (resource_type IN ('SNAPSHOT', 'BACKUP')),
    resource_id    bigint      CHECK (resource_id > 0),
    state          text        NOT NULL CHECK (state IN ('accepted', 'in_progress', 'unresolved', 'completed',
                                   'failed', 'vanished', 'timed_out')),
    accepted_at    timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    deadline       timestamptz NOT NULL,
    note           text        CHECK (length(note) BETWEEN 1 AND 500),
    next_check_at  timestamptz NOT NULL,
    checks         integer     NOT NULL CHECK (checks >= 0),
    version        integer     NOT NULL CHECK (version >= 0),
    CONSTRAINT recovery_operation_resource_complete CHECK ((resource_type IS NULL) = (resource_id IS NULL))
);

-- The tracker's work list: open operations by when they are next due.
CREATE INDEX recovery_operation_open ON recovery_operation (next_check_at)
    WHERE state IN ('accepted', 'in_progress', 'unresolved');
CREATE INDEX recovery_operation_team ON recovery_operation (team, accepted_at DESC);
CREATE INDEX recovery_operation_server ON recovery_operation (server_id, accepted_at DESC);

-- db-scheduler 16.x (com.github.kagkarlsson:db-scheduler), its PostgreSQL schema.
CREATE TABLE scheduled_tasks (
    task_name            text                     NOT NULL,
    task_instance        text                     NOT NULL,
    task_data            bytea,
    execution_time       timestamp with time zone NOT NULL,
    picked               boolean                  NOT NULL,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures integer,
    last_heartbeat       timestamp with time zone,
    version              bigint                   NOT NULL,
    priority             smallint,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX scheduled_tasks_execution_time ON scheduled_tasks (execution_time);
CREATE INDEX scheduled_tasks_last_heartbeat ON scheduled_tasks (last_heartbeat);
CREATE INDEX scheduled_tasks_priority_execution_time ON scheduled_tasks (priority DESC, execution_time ASC);

REVOKE ALL ON recovery_operation, scheduled_tasks FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON recovery_operation TO vpsr_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON scheduled_tasks TO vpsr_app;
