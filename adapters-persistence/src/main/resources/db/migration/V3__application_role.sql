-- The least-privilege role the service runs as. It is a NOLOGIN group role: a deployment creates its
-- own login role and grants this one to it (see adapters-persistence/README-persistence.md), while
-- Flyway migrates as the schema owner. Roles are cluster-wide, hence "if not exists".
DO
$$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vpsr_app') THEN
        CREATE ROLE vpsr_app NOLOGIN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO vpsr_app', current_schema());
END;
$$;

REVOKE ALL ON audit_event, audit_chain_head, idempotency_record FROM PUBLIC;

-- Audit rows: read and append, never change or remove (the trigger refuses even the owner).
GRANT SELECT, INSERT ON audit_event TO vpsr_app;
-- The chain head moves forward with every append.
GRANT SELECT, UPDATE ON audit_chain_head TO vpsr_app;
-- Idempotency records live, change state and get purged.
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_record TO vpsr_app;
