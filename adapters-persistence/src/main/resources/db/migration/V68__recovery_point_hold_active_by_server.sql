-- A team's hold limit counts the active holds on the servers it owns now, whoever placed them (ADR 0029, amended in
-- session 49): the placement's count reads by server and kind, so the index is by server; the one by team serves no
-- query any more.
SET LOCAL lock_timeout = '5s';
CREATE INDEX recovery_point_hold_active_by_server ON recovery_point_hold (server_id, kind) WHERE released_at IS NULL;
DROP INDEX recovery_point_hold_active_by_team;
