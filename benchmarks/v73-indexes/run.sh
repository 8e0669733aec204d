#!/bin/bash
# V73 on a large recovery_operation (session 53, ADRs 0112, 0123): the migration's wall time with a reader and a writer
# going on (per-second rates from pgbench), and the insert rate with V73's six list indexes against V6's two, rounds
# interleaved. Needs a PostgreSQL of its own (PGHOST, PGPORT, PGUSER set) holding database `bench`: the migrations
# V1-V72 applied in order (psql -1 -f each), then load.sql. Writes its logs to $OUT (default /tmp/v73-indexes).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
V73=$HERE/../../adapters-persistence/src/main/resources/db/migration/V73__recovery_operation_newest_pages.sql
OUT=${OUT:-/tmp/v73-indexes}; mkdir -p "$OUT"
P="psql -X -q -At"
load() { echo "$(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"; }

# 1. The migration, three rounds, each on a fresh copy of bench, a reader and a writer (one client each) beside it.
for round in 1 2 3; do
  $P -c "drop database if exists mig" && $P -c "create database mig template bench"
  load
  pgbench -n -c 1 -T 200 -P 1 --progress-timestamp -f "$HERE/read.sql" mig > "$OUT/reads.$round.log" 2>&1 & reads=$!
  pgbench -n -c 1 -T 200 -P 1 --progress-timestamp -f "$HERE/insert.sql" mig > "$OUT/writes.$round.log" 2>&1 & writes=$!
  sleep 10
  start=$(date +%s.%N)
  psql -X -q -1 -v ON_ERROR_STOP=1 -d mig -f "$V73" || echo "round $round: the migration failed"
  end=$(date +%s.%N)
  sleep 10
  kill $reads $writes 2>/dev/null; wait $reads $writes 2>/dev/null
  echo "round $round: V73 from $start to $end: $(echo "$end - $start" | bc) s" | tee -a "$OUT/migration.log"
  load
done

# 2. Inserts: V6's two indexes (bench as V72 left it) against V73's six, rounds interleaved and their order alternated.
$P -c "drop database if exists ins6" && $P -c "create database ins6 template bench"
$P -c "drop database if exists ins73" && $P -c "create database ins73 template bench"
psql -X -q -1 -v ON_ERROR_STOP=1 -d ins73 -f "$V73"
$P -d ins73 -c "vacuum analyze recovery_operation"; $P -d ins6 -c "vacuum analyze recovery_operation"
for round in 1 2 3 4; do
  if [ $((round % 2)) = 1 ]; then order="ins6 ins73"; else order="ins73 ins6"; fi
  for db in $order; do
    load
    # One client, commits not waiting for the WAL flush: the indexes' work per row, not the disk's fsync.
    PGOPTIONS="-c synchronous_commit=off" pgbench -n -c 1 -T 30 -f "$HERE/insert.sql" $db > "$OUT/insert.$db.$round.log" 2>&1
    echo "round $round $db: $(grep -E '^tps' "$OUT/insert.$db.$round.log" | head -1)" | tee -a "$OUT/inserts.log"
    # And 50,000 rows in one statement, rolled back: the per-row cost without a commit each.
    t=$(psql -X -q -At -d $db -c "\\timing on" -c "begin" -c "INSERT INTO recovery_operation (id, team, request_id, kind,
        server_id, state, accepted_at, updated_at, deadline, next_check_at, checks, version) SELECT gen_random_uuid(),
        'team-' || (g % 40), 'batch-' || g, 'CREATE_SNAPSHOT', 1000 + (g * 7919) % 5000, 'accepted', now(), now(),
        now() + interval '1 hour', now(), 0, 0 FROM generate_series(1, 50000) g" -c "rollback" | grep -E '^Time' | sed -n 2p)
    echo "round $round $db: 50,000-row insert $t" | tee -a "$OUT/inserts.log"
  done
done
load
