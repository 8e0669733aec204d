CREATE INDEX CONCURRENTLY IF NOT EXISTS hold_by_team ON recovery_point_hold (team_id);
