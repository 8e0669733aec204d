#!/usr/bin/env bash
# Throughput and latency of the governed request path, on loopback: the service on its embedded
# defaults (PostgreSQL from embedded binaries, the VPS.org simulator), driven by wrk.
#   read:   GET  /api/v1/snapshots/      token check, provider list, team filter, JSON
#   refuse: POST /api/v1/snapshots/      on a server at its limit: lock, provider list, policy,
#                                        audit append (REJECTED), problem+json — nothing created
# Usage: benchmarks/facade-throughput.sh [seconds per run, default 20] [connections, default 8]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-20}
CONNECTIONS=${2:-8}
PORT=${VPSR_BENCH_PORT:-18090}
H="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
[ -f bootstrap/target/vps-recovery.jar ] || ./mvnw -q -B install -DskipTests

DATA=$(mktemp -d)
LOG="$DATA/service.log"
VPSR_DATA_DIR="$DATA" VPSR_PORT=$PORT "$JAVA_HOME/bin/java" -Xmx1g -jar bootstrap/target/vps-recovery.jar >"$LOG" 2>&1 &
SERVICE=$!
trap 'kill $SERVICE 2>/dev/null; wait $SERVICE 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do curl -sf "$H/health" >/dev/null && break; sleep 1; done
curl -sf "$H/health" >/dev/null || { echo "the service did not start:"; tail -20 "$LOG"; exit 1; }

AUTH="Authorization: Bearer demo-team-token"
# Fill server 12345 to its 5 snapshots (the spec's examples hold 2).
for i in 1 2 3; do
    curl -s -o /dev/null -H "$AUTH" -H "Content-Type: application/json" -X POST "$H/api/v1/snapshots/" \
        -d "{\"server_id\": 12345, \"name\": \"bench-fill-$i\"}"
done

cat > "$DATA/refuse.lua" <<'LUA'
wrk.method = "POST"
wrk.body   = '{"server_id": 12345, "name": "bench-over-limit"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer demo-team-token"
LUA

echo "== warm-up (10 s, not recorded)"
wrk -t2 -c"$CONNECTIONS" -d10s -H "$AUTH" "$H/api/v1/snapshots/" >/dev/null
echo "== read: GET /api/v1/snapshots/ (${CONNECTIONS} connections, ${SECONDS_PER_RUN}s)"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "$AUTH" "$H/api/v1/snapshots/"
echo "== refuse: POST /api/v1/snapshots/ at the limit (${CONNECTIONS} connections, ${SECONDS_PER_RUN}s)"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$DATA/refuse.lua" "$H/api/v1/snapshots/"
echo "== answers of the refuse run (should all be 400 SNAPSHOT_LIMIT_REACHED):"
curl -s -H "$AUTH" -H "Content-Type: application/json" -X POST "$H/api/v1/snapshots/" \
    -d '{"server_id": 12345, "name": "bench-check"}'; echo
echo "== provider-call and audit-append timings from /prometheus:"
curl -s "$H/prometheus" | grep -E '^vpsr_(provider_calls|audit_append)_seconds_(count|sum)' | head -20
