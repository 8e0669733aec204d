/* the way to write it */
DROP INDEX CONCURRENTLY IF EXISTS audit_event_by_kind;
CREATE INDEX CONCURRENTLY audit_event_by_kind
    ON audit_event (kind);
