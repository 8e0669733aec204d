-- The audit history: one row per audit event, append-only, hash-chained (see docs/adr/0001).
-- Times are timestamptz (stored as UTC instants); the application writes and reads them as UTC.

CREATE TABLE audit_event (
    sequence        bigint      PRIMARY KEY CHECK (sequence > 0),
    occurred_at     timestamptz NOT NULL,
    team            text        NOT NULL CHECK (team ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    request_id      text        NOT NULL CHECK (length(request_id) BETWEEN 1 AND 128),
    operation       text        NOT NULL CHECK (operation IN ('CREATE_SNAPSHOT', 'RESTORE_SNAPSHOT',
                                    'DELETE_SNAPSHOT', 'CREATE_MANUAL_BACKUP', 'DELETE_BACKUP',
                                    'RESTORE_SERVER_FROM_BACKUP')),
    server_id       bigint      CHECK (server_id > 0),
    resource_type   text        CHECK (resource_type IN ('SNAPSHOT', 'BACKUP')),
    resource_id     bigint      CHECK (resource_id > 0),
    outcome_kind    text        NOT NULL CHECK (outcome_kind IN ('ACCEPTED', 'REJECTED', 'FAILED', 'COMPLETED')),
    outcome_reason  text,
    outcome_cause   text        CHECK (length(outcome_cause) BETWEEN 1 AND 500),
    provider_status smallint    CHECK (provider_status BETWEEN 100 AND 599),
    detail          jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
    previous_hash   bytea       NOT NULL CHECK (octet_length(previous_hash) = 32),
    hash            bytea       NOT NULL CHECK (octet_length(hash) = 32),
    CONSTRAINT audit_event_resource_complete CHECK ((resource_type IS NULL) = (resource_id IS NULL)),
    CONSTRAINT audit_event_outcome_shape CHECK (
        CASE outcome_kind
            WHEN 'REJECTED' THEN outcome_reason IS NOT NULL AND outcome_cause IS NULL
            WHEN 'FAILED'   THEN outcome_reason IS NOT NULL AND outcome_cause IS NOT NULL
            ELSE outcome_reason IS NULL AND outcome_cause IS NULL
        END)
);

COMMENT ON TABLE audit_event IS 'Append-only audit history; each row''s hash chains to the previous row''s hash.';

-- The reports: a server's or a team's history over time, and one request's events.
CREATE INDEX audit_event_server_time ON audit_event (server_id, occurred_at) WHERE server_id IS NOT NULL;
CREATE INDEX audit_event_team_time ON audit_event (team, occurred_at);
-- Also answers "is there a later outcome for this intent?" for the pending-intents query.
CREATE INDEX audit_event_request ON audit_event (request_id, operation, sequence);
CREATE INDEX audit_event_intents ON audit_event (occurred_at) WHERE outcome_kind = 'ACCEPTED';

-- The chain head: the last sequence and hash. Appenders lock this one row for the length of one
-- short insert transaction, which orders the chain across every service instance.
CREATE TABLE audit_chain_head (
    id            smallint PRIMARY KEY CHECK (id = 1),
    last_sequence bigint   NOT NULL CHECK (last_sequence >= 0),
    last_hash     bytea    NOT NULL CHECK (octet_length(last_hash) = 32)
);
INSERT INTO audit_chain_head (id, last_sequence, last_hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

CREATE FUNCTION audit_event_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Audit events are never changed or removed; append a new event instead.';
END;
$$;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();

-- Row triggers do not see TRUNCATE.
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();

-- The head only moves forward, and is never removed.
CREATE FUNCTION audit_chain_head_forward_only() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP <> 'UPDATE' OR NEW.id <> OLD.id OR NEW.last_sequence <= OLD.last_sequence THEN
        RAISE EXCEPTION 'audit_chain_head only moves forward: % refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_chain_head_forward_only
    BEFORE UPDATE OR DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward_only();

CREATE TRIGGER audit_chain_head_no_truncate
    BEFORE TRUNCATE ON audit_chain_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_forward_only();
