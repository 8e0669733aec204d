-- Recovery policies (issue 14, ADR 0028): a team's schedules and retention, as data. A row is the
-- policy's current version; every version's change is in the audit history (CREATE_POLICY,
-- UPDATE_POLICY, DELETE_POLICY, with the diff), and reading a plan is audited too (PLAN_POLICY).

CREATE TABLE recovery_policy (
    id                   uuid        PRIMARY KEY,
    team                 text        NOT NULL,
    -- Every server the team owns (now and later), or the listed ones (comma-separated ids).
    all_servers          boolean     NOT NULL,
    server_ids           text        NOT NULL CHECK (server_ids ~ '^([1-9][0-9]{0,18}(,[1-9][0-9]{0,18})*)?$'),
    kind                 text        NOT NULL CHECK (kind IN ('SNAPSHOT', 'MANUAL_BACKUP')),
    cron                 text        NOT NULL CHECK (length(cron) BETWEEN 1 AND 100),
    time_zone            text        NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 100),
    name_template        text        NOT NULL CHECK (length(name_template) BETWEEN 1 AND 200),
    keep_last            integer     NOT NULL CHECK (keep_last BETWEEN 0 AND 1000),
    keep_within_seconds  bigint      NOT NULL CHECK (keep_within_seconds >= 0),
    keep_daily           integer     NOT NULL CHECK (keep_daily BETWEEN 0 AND 1000),
    keep_weekly          integer     NOT NULL CHECK (keep_weekly BETWEEN 0 AND 1000),
    keep_monthly         integer     NOT NULL CHECK (keep_monthly BETWEEN 0 AND 1000),
    keep_yearly          integer     NOT NULL CHECK (keep_yearly BETWEEN 0 AND 1000),
    include_person_made  boolean     NOT NULL,
    version              bigint      NOT NULL CHECK (version >= 1),
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    CONSTRAINT recovery_policy_servers CHECK (all_servers = (server_ids = ''))
);
CREATE INDEX recovery_policy_team ON recovery_policy (team, created_at, id);

REVOKE ALL ON recovery_policy FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON recovery_policy TO vpsr_app;

-- The policies' audit events: new operation names in the append-only history. (Merging with V12:
-- whichever migration runs last must name every operation of both.)
ALTER TABLE audit_event DROP CONSTRAINT audit_event_operation_check;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_operation_check
    CHECK (operation IN ('CREATE_SNAPSHOT', 'RESTORE_SNAPSHOT', 'DELETE_SNAPSHOT', 'CREATE_MANUAL_BACKUP',
                         'DELETE_BACKUP', 'RESTORE_SERVER_FROM_BACKUP', 'RELEASE_RESTORE_HOLD',
                         'CREATE_POLICY', 'UPDATE_POLICY', 'DELETE_POLICY', 'PLAN_POLICY'));
