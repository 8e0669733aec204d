-- The key that signs the console's sign-in form tokens (ADR 0041, amended in session 50): 32 random bytes, stored by
-- the first instance to start and read by every instance at its start, so that a form one instance gave is accepted
-- by another. It was derived from the VPS.org token: a rolling rotation of that token refused sign-ins, and with the
-- embedded simulator anyone could derive it from the published demo token. One row, never replaced.
CREATE TABLE console_sign_in_form_key (
    id         smallint    PRIMARY KEY CHECK (id = 1),
    form_key   bytea       NOT NULL CHECK (length(form_key) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON console_sign_in_form_key FROM PUBLIC;
GRANT SELECT, INSERT ON console_sign_in_form_key TO vpsr_app;
