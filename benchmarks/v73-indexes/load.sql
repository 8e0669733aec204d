-- 1,000,000 operations as the service leaves them after a year: 40 teams (a few large), 5,000 servers, the six kinds,
-- nearly all ended. Inserted as one statement, then vacuumed and analyzed.
INSERT INTO recovery_operation (id, team, request_id, kind, server_id, resource_type, resource_id, state, accepted_at,
    updated_at, deadline, note, next_check_at, checks, version)
SELECT gen_random_uuid(), 'team-' || floor(power(random(), 2) * 40)::int, 'req-' || g, k.kind,
    1000 + floor(random() * 5000)::int,
    CASE WHEN k.kind IN ('CREATE_SNAPSHOT', 'RESTORE_SNAPSHOT', 'DELETE_SNAPSHOT') THEN 'SNAPSHOT' ELSE 'BACKUP' END,
    100000 + g, s.state, a.at, a.at + interval '2 minutes', a.at + interval '1 hour',
    CASE WHEN s.state = 'completed' THEN 'completed at VPS.org' ELSE 'VPS.org said: failed' END,
    a.at + interval '2 minutes', 3, 3
FROM generate_series(1, 1000000) g
CROSS JOIN LATERAL (SELECT (ARRAY['CREATE_SNAPSHOT', 'CREATE_SNAPSHOT', 'CREATE_SNAPSHOT', 'DELETE_SNAPSHOT',
    'DELETE_SNAPSHOT', 'RESTORE_SNAPSHOT', 'CREATE_MANUAL_BACKUP', 'DELETE_BACKUP',
    'RESTORE_SERVER_FROM_BACKUP', 'CREATE_SNAPSHOT'])[1 + g % 10] AS kind) k
CROSS JOIN LATERAL (SELECT CASE WHEN g % 200 = 0 THEN 'in_progress' WHEN g % 200 = 1 THEN 'accepted'
    WHEN g % 100 = 2 THEN 'vanished' WHEN g % 50 = 3 THEN 'timed_out' WHEN g % 16 = 4 THEN 'failed'
    ELSE 'completed' END AS state) s
CROSS JOIN LATERAL (SELECT now() - (random() * 365 + g * 0) * interval '1 day' AS at) a;
VACUUM ANALYZE recovery_operation;
