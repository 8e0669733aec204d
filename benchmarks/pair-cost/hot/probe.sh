#!/bin/bash
# probe.sh VARIANT FILLFACTOR "DROP INDEX ...;": 1,000 pairs' operations inserted and moved as the service moves them,
# then recovery_operation's updates and HOT updates (ADR 0123). recovery_operation.sql: the table and its fifteen indexes
# as V73 leaves them (session 53: V6's team and server indexes replaced by V73's six list indexes; read from
# pg_attribute and pg_indexes of a database migrated to V73; session 29's ten were main 17cd079e's). Needs a PostgreSQL on PROBE_PG_PORT (19410) of
# its own: the probe's WAL would count in a pair-cost run's window.
P="psql -X -q -At -h 127.0.0.1 -p ${PROBE_PG_PORT:-19410} -U postgres"
$P -c "drop database if exists probe" ; $P -c "create database probe"
$P -d probe -f $(dirname "$0")/recovery_operation.sql
$P -d probe -c "alter table recovery_operation set (fillfactor = $2); $3"
$P -d probe <<'SQL'
-- a create (no resource yet) and a delete (its resource) a pair, accepted
INSERT INTO recovery_operation (id, team, request_id, kind, server_id, resource_type, resource_id, state, accepted_at,
    updated_at, deadline, note, next_check_at, checks, version)
SELECT gen_random_uuid(), 'demo', 'r' || g, CASE WHEN g % 2 = 0 THEN 'CREATE_SNAPSHOT' ELSE 'DELETE_SNAPSHOT' END, 12345,
    CASE WHEN g % 2 = 0 THEN NULL ELSE 'SNAPSHOT' END, CASE WHEN g % 2 = 0 THEN NULL ELSE g END, 'accepted',
    now() + g * interval '1 ms', now() + g * interval '1 ms', now() + interval '1 hour', NULL, now() + g * interval '1 ms', 0, 0
FROM generate_series(1, 2000) g;
SQL
sleep 1
# each move its own transaction, as in the service (a page's dead versions pruned once no snapshot sees them)
$P -d probe -c "SELECT format('UPDATE recovery_operation SET state = %L, updated_at = updated_at + interval %L, note = %L, next_check_at = updated_at + interval %L, version = version + 1, resource_type = %L, resource_id = COALESCE(resource_id, 100000 + %s) WHERE id = %L', 'in_progress', '2 ms', 'taken', '2 ms', 'SNAPSHOT', n, id) FROM (SELECT id, row_number() OVER (ORDER BY accepted_at) n FROM recovery_operation) x ORDER BY n" > ${PROBE_WORK:-/tmp}/probe_moves.sql
$P -d probe -c "SELECT format('UPDATE recovery_operation SET state = %L, updated_at = updated_at + interval %L, note = %L, next_check_at = updated_at + interval %L, version = version + 1 WHERE id = %L', 'completed', '1 s', 'completed at VPS.org', '1 s', id) FROM recovery_operation ORDER BY accepted_at" >> ${PROBE_WORK:-/tmp}/probe_moves.sql
sed -i 's/$/;/' ${PROBE_WORK:-/tmp}/probe_moves.sql
$P -d probe -f ${PROBE_WORK:-/tmp}/probe_moves.sql
sleep 1.5
echo "$1 ff=$2: $($P -d probe -c "select n_tup_upd, n_tup_hot_upd, round(100.0*n_tup_hot_upd/n_tup_upd,1) from pg_stat_user_tables where relname='recovery_operation'") (upd|hot|%)"
