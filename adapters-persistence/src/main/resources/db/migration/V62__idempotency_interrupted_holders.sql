-- Every holder an in-flight key was taken over from, oldest first (ADR 0027, amended in session 40). A taker that
-- could not tell whether the holder before it reached VPS.org, or could not keep its answer, leaves no trace of its
-- own: the next taker traces them all, never only the last one. A NULL is a holder from before V9, unknown. Emptied
-- when the key is claimed afresh.
ALTER TABLE idempotency_record ADD COLUMN interrupted_holders uuid[] NOT NULL DEFAULT '{}';
