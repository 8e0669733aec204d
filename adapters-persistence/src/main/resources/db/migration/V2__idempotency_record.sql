-- Idempotency-Key records for the REST facade, one per (team, key). Not audit data: rows are
-- updated (IN_FLIGHT -> COMPLETED) and purged after they expire.

CREATE TABLE idempotency_record (
    team                  text        NOT NULL,
    idempotency_key       text        NOT NULL CHECK (idempotency_key ~ '^[ -~]{1,255}$'),
    fingerprint           char(64)    NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    state                 text        NOT NULL CHECK (state IN ('IN_FLIGHT', 'COMPLETED')),
    response_status       smallint    CHECK (response_status BETWEEN 100 AND 599),
    response_content_type text        CHECK (length(response_content_type) BETWEEN 1 AND 255),
    response_body         bytea       CHECK (octet_length(response_body) <= 1048576),
    created_at            timestamptz NOT NULL,
    expires_at            timestamptz NOT NULL,
    PRIMARY KEY (team, idempotency_key),
    CONSTRAINT idempotency_record_expires_after_creation CHECK (expires_at > created_at),
    CONSTRAINT idempotency_record_response_when_completed CHECK (
        (state = 'COMPLETED') = (response_status IS NOT NULL)
        AND (response_status IS NULL) = (response_content_type IS NULL)
        AND (response_status IS NULL) = (response_body IS NULL))
);

CREATE INDEX idempotency_record_expiry ON idempotency_record (expires_at);
