-- Holds are bounded and paged (ADR 0029, amended in session 38). A placement counts, under its team's advisory lock,
-- the team's active holds of its kind (this index) and the point's (recovery_point_hold_active); the holds' list is a
-- keyset page newest first, by placed_at then id (the point index gets the id, so a page reads no more than it answers).
SET LOCAL lock_timeout = '5s';
CREATE INDEX recovery_point_hold_active_by_team ON recovery_point_hold (team, kind) WHERE released_at IS NULL;
CREATE INDEX recovery_point_hold_point_page ON recovery_point_hold (resource_type, resource_id, placed_at DESC, id DESC);
DROP INDEX recovery_point_hold_point;
