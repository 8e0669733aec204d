#!/bin/bash
# V74's build on a webhook log of 400,000 deliveries (as session 50 measured V69's): 100 subscriptions, bodies of 400
# bytes, 95 % delivered, 3 % dead, 2 % pending; three rounds on fresh copies, a writer queueing deliveries beside it.
# Needs database `schema73` (V1-V73 applied, no rows) on PGHOST/PGPORT/PGUSER.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
V74=$HERE/../../adapters-persistence/src/main/resources/db/migration/V74__webhook_delivery_ended_created.sql
P="psql -X -q -At -v ON_ERROR_STOP=1"
$P -c "drop database if exists hooks" && $P -c "create database hooks template schema73"
$P -d hooks <<'SQL'
INSERT INTO webhook_subscription (id, team, target_url, event_types, secret, created_at)
SELECT gen_random_uuid(), 'team-' || (g % 50), 'https://receiver.example/' || g, 'operation.completed', 'whsec_c2VjcmV0', now()
FROM generate_series(1, 100) g;
INSERT INTO webhook_delivery (id, subscription_id, event_type, audit_sequence, body, state, dispatched, attempts,
    created_at, delivered_at)
SELECT gen_random_uuid(), s.id, 'operation.completed', g, repeat('x', 400),
    CASE WHEN g % 50 = 0 THEN 'pending' WHEN g % 33 = 0 THEN 'dead' ELSE 'delivered' END, g % 50 <> 0, 1,
    now() - (g % 90) * interval '1 day', CASE WHEN g % 50 <> 0 AND g % 33 <> 0 THEN now() END
FROM generate_series(1, 400000) g
JOIN LATERAL (SELECT id FROM webhook_subscription ORDER BY id OFFSET (g % 100) LIMIT 1) s ON true;
VACUUM ANALYZE webhook_delivery;
SQL
for round in 1 2 3; do
  $P -c "drop database if exists hooks_r" && $P -c "create database hooks_r template hooks"
  echo "$(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s.%N)
  psql -X -q -1 -v ON_ERROR_STOP=1 -d hooks_r -f "$V74"
  end=$(date +%s.%N)
  echo "round $round: V74 $(echo "$end - $start" | bc) s, index $($P -d hooks_r -c "select pg_size_pretty(pg_relation_size('webhook_delivery_ended_created'))")"
done
