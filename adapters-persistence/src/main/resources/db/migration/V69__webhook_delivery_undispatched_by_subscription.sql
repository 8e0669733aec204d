-- The dispatcher's fair batch (ADR 0025, amended in session 50) takes each subscription's oldest undispatched
-- deliveries through this index, a few per subscription, instead of ranking the whole backlog of every team in a window
-- each run; a webhook's own backlog (GET /webhooks/{id}/) is counted from it too. Partial: only the undispatched rows,
-- the backlog, not the log. Built in the migration's transaction, so appends that queue deliveries wait while it reads
-- the table: on a log of millions migrate in a quiet hour (as V43, V57); a lock not granted in time fails the migration
-- rather than queue every append behind it.
SET LOCAL lock_timeout = '5s';
-- The id is included: the batch's inner query selects it, read from the index alone (own-merge review).
CREATE INDEX webhook_delivery_undispatched_by_subscription
    ON webhook_delivery (subscription_id, created_at, audit_sequence) INCLUDE (id) WHERE NOT dispatched;
-- A webhook's deliveries of one state (?state=, session 50), newest first: through V7's log index alone, a state with
-- few rows (dead) walked the subscription's whole log, kept while it lives, on every page (own-merge review).
CREATE INDEX webhook_delivery_log_by_state ON webhook_delivery (subscription_id, state, audit_sequence DESC);
