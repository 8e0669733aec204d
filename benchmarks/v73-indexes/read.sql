-- pgbench: a team's first page of operations, newest first (GET /api/v1/operations/).
\set team random(0, 39)
SELECT id, state, accepted_at FROM recovery_operation WHERE team = 'team-' || :team
ORDER BY accepted_at DESC, id DESC LIMIT 20;
