#!/bin/bash
# run.sh LABEL JAR DB WARM_PAIRS MEASURED_PAIRS [JVM options...]
set -u
LABEL=$1 JAR=$2 DB=$3 WARM=$4 N=$5; shift 5
# PAIR_COST_WORK: runs/ and the arms' data folders (default /tmp/pair-cost); PAIR_COST_PGDATA: the PostgreSQL's data
# folder (for its postmaster's pid); ports PAIR_COST_PG_PORT, _SIM_PORT, _PORT (19400, 19401, 19402).
H=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$H/../.." && pwd)
WORK=${PAIR_COST_WORK:-/tmp/pair-cost}; OUT=$WORK/runs/$LABEL; mkdir -p $OUT
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
PG_PORT=${PAIR_COST_PG_PORT:-19400}
P="psql -X -q -At -h 127.0.0.1 -p $PG_PORT -U postgres"
PM=$(head -1 "${PAIR_COST_PGDATA:?the PostgreSQL data folder}/postmaster.pid")
SIM_PORT=${PAIR_COST_SIM_PORT:-19401} PORT=${PAIR_COST_PORT:-19402}
echo "$LABEL start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee $OUT/info
$JAVA -jar $ROOT/simulator/target/simulator.jar --host 127.0.0.1 --port $SIM_PORT --profile fast --completion-seconds 0 >$OUT/sim.log 2>&1 &
SIM=$!
# A team token of the run's own (the teams file refuses a published token's digest, demo-team-token's among them) and
# a checkpoint key per database (a start with VPSR_DATABASE_URL is refused without one; kept, so that the arm's chain
# stays verifiable across runs): both in the work folder.
TEAM_TOKEN=$(openssl rand -hex 24)
TEAM_SHA=$(printf '%s' "$TEAM_TOKEN" | sha256sum | cut -d' ' -f1)
printf 'vpsr.teams.demo.token-sha256=%s\nvpsr.teams.demo.servers=12345\nvpsr.teams.demo.requests-per-minute=1000000\nvpsr.teams.demo.calls-in-flight=10000\n' "$TEAM_SHA" >$OUT/teams.properties
mkdir -p $WORK/data-$DB
KEY=$WORK/checkpoint-key-$DB.pem
[ -s "$KEY" ] || openssl genpkey -algorithm ed25519 -out "$KEY"
VPSR_DATABASE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB" VPSR_DATABASE_USER=postgres VPSR_DATABASE_PASSWORD=unused-under-trust \
VPSORG_BASE_URL="http://127.0.0.1:$SIM_PORT" VPSORG_API_TOKEN=demo-token VPSR_TEAMS_FILE=$OUT/teams.properties \
VPSR_CHECKPOINT_KEY_FILE=$KEY VPSR_DATA_DIR=$WORK/data-$DB VPSR_HOST=127.0.0.1 VPSR_PORT=$PORT \
  $JAVA "$@" -jar $JAR >$OUT/platform.log 2>&1 &
APP=$!
echo "sim $SIM app $APP" >> $OUT/info
echo "pairs $N" >> $OUT/info
cleanup() { kill $APP 2>/dev/null; wait $APP 2>/dev/null; kill $SIM 2>/dev/null; wait $SIM 2>/dev/null; }
trap cleanup EXIT
for i in $(seq 1 600); do curl -sf -o /dev/null -H "Authorization: Bearer $TEAM_TOKEN" "http://127.0.0.1:$PORT/api/v1/snapshots/?server_id=12345" && break; sleep 0.2; done
open_ops() { $P -d $DB -c "select count(*) from recovery_operation where state in ('accepted','in_progress','unresolved')"; }
wait_tail() { for i in $(seq 1 300); do [ "$(open_ops)" = 0 ] && return 0; sleep 0.5; done; echo "tail not done: $(open_ops)" | tee -a $OUT/info; }
javac -d $WORK $H/Pairs.java
$JAVA -cp $WORK Pairs http://127.0.0.1:$PORT "$TEAM_TOKEN" 12345 200 $WARM > $OUT/warm.txt
wait_tail; sleep 5
$P -d $DB -c "select pg_stat_statements_reset()" >/dev/null; $P -c "select pg_stat_reset_shared('wal')" >/dev/null
sleep 0.5
commits0=$($P -c "select xact_commit, xact_rollback from pg_stat_database where datname='$DB'")
# The operation table's row counters and the WAL position, for its HOT fraction and the blocks each relation's WAL touched.
TABSTAT="select n_tup_ins, n_tup_upd, n_tup_hot_upd from pg_stat_user_tables where relname='recovery_operation'"
tab0=$($P -d $DB -c "$TABSTAT"); lsn0=$($P -c "select pg_current_wal_insert_lsn()")
python3 $H/snap.py $APP $PM $OUT/before.json
echo "measured start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $OUT/info
T0=$(date +%s.%N)
$JAVA -cp $WORK Pairs http://127.0.0.1:$PORT "$TEAM_TOKEN" 12345 200 $N > $OUT/measured.txt
wait_tail
T1=$(date +%s.%N)
python3 $H/snap.py $APP $PM $OUT/after.json
commits1=$($P -c "select xact_commit, xact_rollback from pg_stat_database where datname='$DB'")
sleep 1; tab1=$($P -d $DB -c "$TABSTAT"); lsn1=$($P -c "select pg_current_wal_insert_lsn()")
echo "wal $lsn0 $lsn1" >> $OUT/info
echo "recovery_operation ins|upd|hot before|after $tab0 $tab1" >> $OUT/info
# Needs pg_walinspect in the arm's database: WAL records by kind, and block references by relation (heap or index).
$P -F $'\t' -d $DB -c "select \"resource_manager/record_type\", count, combined_size from pg_get_wal_stats('$lsn0', '$lsn1', true) where count > 0 order by count desc" > $OUT/walstats.tsv
$P -F $'\t' -d $DB -c "select coalesce(c.relname, b.relfilenode::text), coalesce(c.relkind::text, '?'), count(*), count(distinct (b.relfilenode, b.relblocknumber)), sum(case when b.block_fpi_length > 0 then 1 else 0 end) from pg_get_wal_block_info('$lsn0', '$lsn1', false) b left join pg_class c on c.relfilenode = b.relfilenode and b.reldatabase = (select oid from pg_database where datname = current_database()) group by 1, 2 order by 3 desc" > $OUT/walblocks.tsv
echo "window $(echo "$T1 - $T0" | bc) s; end load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $OUT/info
echo "commits before|after $commits0 $commits1" >> $OUT/info
$P -c "select wal_records, wal_fpi, wal_bytes, wal_write, wal_sync from pg_stat_wal" > $OUT/wal.txt
$P -F $'\t' -d $DB -c "select calls, round(total_exec_time::numeric,2), shared_blks_hit+shared_blks_read+shared_blks_dirtied+shared_blks_written, wal_records, toplevel, regexp_replace(query, '\s+', ' ', 'g') from pg_stat_statements s join pg_database d on d.oid=s.dbid where d.datname='$DB' order by total_exec_time desc" > $OUT/statements.tsv
cat $OUT/measured.txt
python3 $H/diff.py $OUT/before.json $OUT/after.json $N > $OUT/cpu.txt
python3 $H/summary.py $OUT $N | tee $OUT/summary.txt
