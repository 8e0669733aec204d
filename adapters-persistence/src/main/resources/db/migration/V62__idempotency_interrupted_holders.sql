-- Every holder an in-flight key was taken over from, oldest first (ADR 0027, amended in session 40). A taker that
-- could not tell whether the holder before it reached VPS.org, or could not keep its answer, leaves no trace of its
-- own: the next taker traces them all, never only the last one. A NULL is a holder from before V9, unknown. Emptied
-- when the key is claimed afresh.
ALTER TABLE idempotency_record ADD COLUMN interrupted_holders uuid[] NOT NULL DEFAULT '{}';

-- Emptied by the database, not only by this release's claim: an instance of the release before (a rolling deploy, a
-- rollback) claims an expired key afresh without knowing the column, and a new request on the reused key would be
-- told of another request's holders (a false 409 naming its operation). A fresh claim is what moves created_at; a
-- takeover keeps it.
CREATE FUNCTION idempotency_record_claimed_afresh() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        NEW.interrupted_holders := '{}';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER idempotency_record_claimed_afresh
    BEFORE UPDATE OF created_at ON idempotency_record
    FOR EACH ROW
    EXECUTE FUNCTION idempotency_record_claimed_afresh();
