-- A console session signed in with a static token (a team's service token, an auditor's) keeps the
-- SHA-256 of the digest the configuration held for it, so each page can check that token is still
-- configured: removing or replacing it ends its sessions (ADR 0041). Null for a person's JWT, whose
-- own expiry bounds the session. Sessions opened before this have none and are checked by key id only.
ALTER TABLE console_session
    ADD COLUMN credential_fingerprint text CHECK (credential_fingerprint ~ '^[0-9a-f]{64}$');
