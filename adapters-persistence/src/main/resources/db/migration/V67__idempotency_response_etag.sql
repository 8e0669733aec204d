-- A kept answer's ETag (a policy's version), replayed with it: a replayed policy create or replace answered without
-- the ETag its OpenAPI promises (session 48's review). NULL when the answer had none.
ALTER TABLE idempotency_record ADD COLUMN response_etag text
    CONSTRAINT idempotency_record_response_etag_length CHECK (length(response_etag) <= 255);

-- Emptied by the database when a key is claimed afresh, as interrupted_holders is (V62): an instance of the release
-- before (a rolling deploy, a rollback) claims and completes a reused key without knowing the column, and its replay
-- must not carry the ETag of the expired answer before it.
CREATE OR REPLACE FUNCTION idempotency_record_claimed_afresh() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        NEW.interrupted_holders := '{}';
        NEW.response_etag := NULL;
    END IF;
    RETURN NEW;
END
$$;
