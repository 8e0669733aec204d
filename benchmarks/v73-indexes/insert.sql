-- pgbench: one operation accepted, as CreateSnapshotService writes one (its own transaction).
\set team random(0, 39)
\set server random(1000, 5999)
INSERT INTO recovery_operation (id, team, request_id, kind, server_id, state, accepted_at, updated_at, deadline,
    next_check_at, checks, version)
VALUES (gen_random_uuid(), 'team-' || :team, 'bench-' || gen_random_uuid(), 'CREATE_SNAPSHOT', :server, 'accepted',
    now(), now(), now() + interval '1 hour', now(), 0, 0);
