-- A repeatable script runs again whenever it changes: checked whatever its name's number.
CREATE INDEX webhook_delivery_by_state ON webhook_delivery (state);
