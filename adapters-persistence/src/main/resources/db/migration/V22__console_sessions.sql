-- The web console's sessions (issue 16 item 2, ADR 0041), shared by every instance. The session id
-- is only in the browser's cookie; the table keeps its SHA-256, who signed in (never their token),
-- and the CSRF token of the session's forms.
CREATE TABLE console_session (
    id_digest            text        PRIMARY KEY CHECK (id_digest ~ '^[0-9a-f]{64}$'),
    holder_kind          text        NOT NULL CHECK (holder_kind IN ('team', 'auditor')),
    holder               text        NOT NULL CHECK (length(holder) BETWEEN 1 AND 63),
    actor_subject        text        NOT NULL CHECK (length(actor_subject) BETWEEN 1 AND 200),
    actor_authentication text        NOT NULL CHECK (length(actor_authentication) BETWEEN 1 AND 40),
    actor_key_id         text        CHECK (length(actor_key_id) BETWEEN 1 AND 200),
    csrf_token           text        NOT NULL CHECK (csrf_token ~ '^[A-Za-z0-9_-]{43}$'),
    created_at           timestamptz NOT NULL,
    last_seen_at         timestamptz NOT NULL CHECK (last_seen_at >= created_at),
    -- the absolute end: the console's bound, or the end of the token signed in with if sooner
    expires_at           timestamptz NOT NULL CHECK (expires_at > created_at)
);

-- Expired sessions are deleted at each sign-in by these two bounds.
CREATE INDEX console_session_last_seen ON console_session (last_seen_at);
CREATE INDEX console_session_expires ON console_session (expires_at);

REVOKE ALL ON console_session FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON console_session TO vpsr_app;
