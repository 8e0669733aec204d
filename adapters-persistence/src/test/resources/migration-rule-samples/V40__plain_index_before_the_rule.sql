CREATE INDEX audit_event_by_team ON audit_event (team_id);
