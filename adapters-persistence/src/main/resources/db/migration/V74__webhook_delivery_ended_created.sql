-- Webhook deliveries that ended (delivered, or dead: given up) are purged once older than vpsr.webhooks.delivery-retention
-- (ADR 0025, amended in session 53): their bodies name the events' actors, and the log grew while its subscription
-- lived. The purge's work list, oldest first, in small batches: only the ended rows; the pending are not in it.
-- Built in the migration's transaction (not CONCURRENTLY: Flyway 10's transactional lock makes a concurrent build wait
-- for ever, deploy.md): its SHARE lock lets reads of the log go on, while appends that queue deliveries wait for the
-- build (one sorted pass over the table: on a log of millions migrate in a quiet hour, as V57, V69). A lock not granted
-- in time fails the migration rather than queue every append behind it.
SET LOCAL lock_timeout = '5s';
CREATE INDEX webhook_delivery_ended_created ON webhook_delivery (created_at) WHERE state <> 'pending';
