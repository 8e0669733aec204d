CREATE INDEX audit_event_by_actor ON audit_event (actor, occurred_at);
