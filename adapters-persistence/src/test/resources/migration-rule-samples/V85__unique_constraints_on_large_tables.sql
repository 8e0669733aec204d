ALTER TABLE recovery_operation ADD COLUMN attempt_key text, ADD CONSTRAINT recovery_operation_attempt_once UNIQUE (attempt_key);
ALTER TABLE audit_event ADD PRIMARY KEY (id);
-- Attaching an index built CONCURRENTLY beforehand builds nothing: allowed.
ALTER TABLE webhook_delivery ADD CONSTRAINT webhook_delivery_once UNIQUE USING INDEX webhook_delivery_once_index;
