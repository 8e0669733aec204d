-- The version's parts joined by _ (V84.1): checked as V84.
CREATE INDEX audit_event_by_kind ON audit_event (kind);
