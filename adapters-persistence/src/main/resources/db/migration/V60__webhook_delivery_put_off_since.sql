-- A webhook delivery put off (no free delivery slot, or its name lookup never began) makes no attempt, so its retries
-- never ended it: put off without bound, it stayed pending for ever (ADR 0025, amended in session 38). The first
-- put-off since its last attempt is kept here; put off for longer than its retries may take, it ends dead. Null: not
-- put off since its last attempt (or ever). A nullable column without a default: no rewrite, a brief lock; one not
-- granted in time fails the migration rather than queue every append's outbox insert behind it.
SET LOCAL lock_timeout = '5s';
ALTER TABLE webhook_delivery ADD COLUMN put_off_since timestamptz;
