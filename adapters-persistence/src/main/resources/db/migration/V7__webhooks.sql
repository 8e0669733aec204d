-- Webhooks (issue 11, ADR 0025): the teams' subscriptions, and the outbox that is also the delivery
-- log. Deliveries are inserted by the audit append, in the transaction of the event that causes them.

CREATE TABLE webhook_subscription (
    id           uuid        PRIMARY KEY,
    team         text        NOT NULL,
    target_url   text        NOT NULL CHECK (length(target_url) BETWEEN 1 AND 2000),
    -- Wire names, comma-separated (operation.completed,operation.failed).
    event_types  text        NOT NULL CHECK (event_types ~ '^[a-z_.]+(,[a-z_.]+)*$'),
    -- The signing key as whsec_<base64>: kept to sign, so not hashed (ADR 0025). Never read by the
    -- subscription answers, only by the sender.
    secret       text        NOT NULL CHECK (secret LIKE 'whsec\_%'),
    created_at   timestamptz NOT NULL
);
CREATE INDEX webhook_subscription_team ON webhook_subscription (team, created_at);

CREATE TABLE webhook_delivery (
    id              uuid        PRIMARY KEY,
    subscription_id uuid        NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
    event_type      text        NOT NULL,
    audit_sequence  bigint      NOT NULL,
    -- The message as sent on every attempt: the signature covers exactly these bytes.
    body            text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    -- Handed to db-scheduler (one task instance per delivery).
    dispatched      boolean     NOT NULL,
    attempts        integer     NOT NULL CHECK (attempts >= 0),
    last_attempt_at timestamptz,
    last_status     smallint    CHECK (last_status BETWEEN 100 AND 599),
    last_error      text        CHECK (length(last_error) BETWEEN 1 AND 500),
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (subscription_id, audit_sequence)
);
-- The dispatcher's work list, and the log read per subscription.
CREATE INDEX webhook_delivery_undispatched ON webhook_delivery (created_at) WHERE NOT dispatched;
CREATE INDEX webhook_delivery_log ON webhook_delivery (subscription_id, audit_sequence DESC);

REVOKE ALL ON webhook_subscription, webhook_delivery FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON webhook_subscription TO vpsr_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_delivery TO vpsr_app;
