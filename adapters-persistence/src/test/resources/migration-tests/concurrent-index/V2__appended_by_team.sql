-- As a real migration on a large table is written (ADR 0142, amended in session 56): an invalid index a failed build
-- left behind is dropped first, then built again without refusing the appends.
DROP INDEX CONCURRENTLY IF EXISTS appended_by_team;
CREATE INDEX CONCURRENTLY appended_by_team ON appended (team, created_at);
