-- No double underscore: Flyway would not run it as a migration.
CREATE INDEX audit_event_by_team ON audit_event (team);
