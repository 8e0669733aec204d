-- Deleting a webhook subscription marks it (ADR 0025, amended in session 37): a DELETE cascaded over its whole
-- delivery log while holding the row's FOR UPDATE lock, and an audit append's outbox insert for that subscription
-- waited on it in its foreign-key check, holding the chain head, so every append of every instance waited too. An
-- UPDATE of this column takes FOR NO KEY UPDATE, which the check's FOR KEY SHARE does not wait for; the dispatcher
-- purges the marked subscription's deliveries in small batches, then the row.
-- Locks in an append's order (it inserts into webhook_delivery, then reads webhook_subscription in its outbox join),
-- so that an append of an instance still running never deadlocks with this migration; a lock not granted in time
-- fails the migration rather than queue every append behind it (docs/architecture.md, "Migrations on large tables").
SET LOCAL lock_timeout = '5s';
LOCK TABLE webhook_delivery IN SHARE MODE;
ALTER TABLE webhook_subscription ADD COLUMN deleted_at timestamptz;
GRANT UPDATE (deleted_at) ON webhook_subscription TO vpsr_app;
-- The purge's work list: only marked rows, few.
CREATE INDEX webhook_subscription_deleted ON webhook_subscription (deleted_at) WHERE deleted_at IS NOT NULL;
-- The dispatcher's sweep for deliveries db-scheduler dropped (WebhookJobs.SWEEP_EVERY) read every delivery ever
-- logged: only the pending, dispatched ones now. Built in this transaction (appends that queue deliveries wait
-- meanwhile; a log of millions: migrate in a quiet hour, as V43).
CREATE INDEX webhook_delivery_pending_dispatched ON webhook_delivery (id) WHERE state = 'pending' AND dispatched;
