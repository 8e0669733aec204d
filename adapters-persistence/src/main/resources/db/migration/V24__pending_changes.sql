-- Two-person approval of the platform's own changes (issue 15 item 2, ADR 0043): a hold's release, a policy's create,
-- update or delete, stored with what it will do until a second person of the team decides. Not an operation: nothing
-- is asked of VPS.org. The id shares the operations' id space (a random UUID, the request's X-Operation-Id), so one
-- decision endpoint finds either. One versioned update decides it (two deciders, or a decider and the expiry: one wins).
CREATE TABLE pending_change (
    id                        uuid        PRIMARY KEY,
    team                      text        NOT NULL,
    request_id                text        NOT NULL,
    kind                      text        NOT NULL CHECK (kind IN ('RELEASE_RECOVERY_POINT_HOLD', 'CREATE_POLICY',
                                                                   'UPDATE_POLICY', 'DELETE_POLICY')),
    state                     text        NOT NULL CHECK (state IN ('pending_approval', 'approved', 'completed', 'denied',
                                                                    'expired', 'rejected')),
    -- A hold release: the hold, its point and the point's server.
    hold_id                   uuid,
    resource_type             text        CHECK (resource_type IN ('SNAPSHOT', 'BACKUP')),
    resource_id               bigint      CHECK (resource_id > 0),
    server_id                 bigint      CHECK (server_id > 0),
    -- A policy change: the policy, the version it was asked against (update, delete) and the document it writes
    -- (create, update), in recovery_policy's columns.
    policy_id                 uuid,
    policy_version            bigint      CHECK (policy_version >= 1),
    all_servers               boolean,
    server_ids                text        CHECK (server_ids ~ '^([1-9][0-9]{0,18}(,[1-9][0-9]{0,18})*)?$'),
    policy_kind               text        CHECK (policy_kind IN ('SNAPSHOT', 'MANUAL_BACKUP')),
    cron                      text        CHECK (length(cron) BETWEEN 1 AND 100),
    time_zone                 text        CHECK (length(time_zone) BETWEEN 1 AND 100),
    name_template             text        CHECK (length(name_template) BETWEEN 1 AND 200),
    keep_last                 integer     CHECK (keep_last BETWEEN 0 AND 1000),
    keep_within_seconds       bigint      CHECK (keep_within_seconds >= 0),
    keep_daily                integer     CHECK (keep_daily BETWEEN 0 AND 1000),
    keep_weekly               integer     CHECK (keep_weekly BETWEEN 0 AND 1000),
    keep_monthly              integer     CHECK (keep_monthly BETWEEN 0 AND 1000),
    keep_yearly               integer     CHECK (keep_yearly BETWEEN 0 AND 1000),
    include_person_made       boolean,
    updated_at                timestamptz NOT NULL,
    next_check_at             timestamptz NOT NULL,
    note                      text        CHECK (length(note) BETWEEN 1 AND 500),
    version                   integer     NOT NULL CHECK (version >= 0),
    -- Who asked (the actor, never a token) and until when; then who decided, what, when and why.
    requester_subject         text        NOT NULL CHECK (length(requester_subject) BETWEEN 1 AND 200),
    requester_authentication  text        NOT NULL CHECK (requester_authentication IN ('jwt', 'service-token')),
    requester_key_id          text        CHECK (length(requester_key_id) BETWEEN 1 AND 200),
    requested_at              timestamptz NOT NULL,
    expires_at                timestamptz NOT NULL,
    verdict                   text        CHECK (verdict IN ('approve', 'deny')),
    decider_subject           text        CHECK (length(decider_subject) BETWEEN 1 AND 200),
    decider_authentication    text        CHECK (decider_authentication = 'jwt'),
    decider_key_id            text        CHECK (length(decider_key_id) BETWEEN 1 AND 200),
    decided_at                timestamptz,
    decision_reason           text        CHECK (length(decision_reason) BETWEEN 1 AND 500),
    CONSTRAINT pending_change_hold_release CHECK ((kind = 'RELEASE_RECOVERY_POINT_HOLD') = (hold_id IS NOT NULL)
        AND (hold_id IS NULL) = (resource_type IS NULL) AND (hold_id IS NULL) = (resource_id IS NULL)
        AND (hold_id IS NULL) = (server_id IS NULL)),
    CONSTRAINT pending_change_policy CHECK ((kind <> 'RELEASE_RECOVERY_POINT_HOLD') = (policy_id IS NOT NULL)
        AND (kind IN ('UPDATE_POLICY', 'DELETE_POLICY')) = (policy_version IS NOT NULL)
        AND (kind IN ('CREATE_POLICY', 'UPDATE_POLICY')) = (policy_kind IS NOT NULL)),
    CONSTRAINT pending_change_document_complete CHECK ((policy_kind IS NULL) = (all_servers IS NULL)
        AND (policy_kind IS NULL) = (server_ids IS NULL) AND (policy_kind IS NULL) = (cron IS NULL)
        AND (policy_kind IS NULL) = (time_zone IS NULL) AND (policy_kind IS NULL) = (name_template IS NULL)
        AND (policy_kind IS NULL) = (keep_last IS NULL) AND (policy_kind IS NULL) = (keep_within_seconds IS NULL)
        AND (policy_kind IS NULL) = (keep_daily IS NULL) AND (policy_kind IS NULL) = (keep_weekly IS NULL)
        AND (policy_kind IS NULL) = (keep_monthly IS NULL) AND (policy_kind IS NULL) = (keep_yearly IS NULL)
        AND (policy_kind IS NULL) = (include_person_made IS NULL)
        AND (all_servers IS NULL OR all_servers = (server_ids = ''))),
    CONSTRAINT pending_change_decision_complete CHECK ((verdict IS NULL) = (decider_subject IS NULL)
        AND (verdict IS NULL) = (decider_authentication IS NULL) AND (verdict IS NULL) = (decided_at IS NULL)
        AND (decision_reason IS NULL OR verdict IS NOT NULL) AND expires_at > requested_at
        AND (verdict IS NULL) = (state IN ('pending_approval', 'expired'))),
    -- The two-person rule, kept by the table too: the decider is never the requester.
    CONSTRAINT pending_change_second_person CHECK (decider_subject <> requester_subject)
);

-- The approvals job's work list: what waits for a decision (by its expiry) or to be applied (by its claim).
CREATE INDEX pending_change_open ON pending_change (state, next_check_at) WHERE state IN ('pending_approval', 'approved');

REVOKE ALL ON pending_change FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON pending_change TO vpsr_app;
