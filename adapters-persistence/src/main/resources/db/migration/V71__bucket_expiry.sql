-- When a bucket's row may be deleted: Bucket4j writes the instant (epoch milliseconds) its bucket is full again, plus
-- a margin, on every write (ADR 0037 and 0041, amended in session 51). The console's failed sign-ins share this table
-- now, one row per client address, and housekeeping deletes the rows past it. NULL: a row no instance of this release
-- has written yet, kept (the rows of the rate scheme before session 50 are deleted by their key).
-- A metadata-only change, but its lock queues every team's rate behind it: bounded, as V65-V69 are.
SET LOCAL lock_timeout = '5s';
ALTER TABLE team_rate_bucket ADD COLUMN expires_at bigint;
