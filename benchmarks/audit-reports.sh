#!/usr/bin/env bash
# Loads N audit events (default 10 million) into a real PostgreSQL and times the audit reports.
#   benchmarks/audit-reports.sh [events]
# PostgreSQL: VPSR_BENCH_DB_URL (+ VPSR_BENCH_DB_USER, VPSR_BENCH_DB_PASSWORD) names an empty
# database you run (a database already holding events is reused, not reloaded); otherwise an
# embedded PostgreSQL is started from zonky's binaries, its data under bootstrap/target/.
# Set VPSR_BENCH_SKIP_VERIFY=true to leave out the (long) whole-chain verification, and
# VPSR_BENCH_SKIP_APPENDS=true the appends (8 clients over one, then two service instances),
# VPSR_BENCH_APPEND_INSTANCES=2 times one part alone (default "1,2": one instance, then two),
# VPSR_BENCH_APPEND_WARM_UP=N appends N events untimed before each part (default 800),
# VPSR_BENCH_SKIP_REPORTS=true the reports' timings (appends only), VPSR_BENCH_SUMMARIES_ONLY=true the
# summaries alone; VPSR_BENCH_PAGES_ONLY=true only the pages of rare matches (ADR 0085); VPSR_BENCH_APPEND_OUTCOMES=true makes
# every other appended event an outcome (a webhook type), as attempts go, both naming their attempt (V47 indexes the
# outcome, as it does the service's). The embedded server runs fsync and
# synchronous_commit on, as the service's own PostgreSQL does, so every timed append waits for the disk as
# deployed; VPSR_BENCH_DURABLE_APPENDS=false turns both off (faster loads, appends no commit waits for: the
# figures of sessions before 23, ADR 0102). On the embedded server the
# appends also report pg_stat_statements' statements per transaction.
# Ids and pages as the service writes them (since session 34): VPSR_BENCH_IDS=service (default) gives every request id
# and attempt id a UUID as the service draws them (version 7, time-ordered, ADR 0137); "random" loads version 4 UUIDs
# (a history from before ADR 0137) and appends the service's; "sequential" gives the older figures' names (bench-N),
# whose index entries all land in a few places. VPSR_BENCH_FULL_PAGE_WRITES=on (default, as the service's own PostgreSQL
# runs) or off (the figures before session 34). VPSR_BENCH_WAL_DETAIL=true lists each timed part's full-page images by
# relation and WAL record (pg_walinspect).
# The figures go to stdout and to bootstrap/target/audit-reports-benchmark.md; copy them by hand
# into docs/benchmarks.md with the machine they ran on. Never part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS="${1:-10000000}"
./mvnw -B -ntp -pl bootstrap -am verify \
    -Dtest=AuditReportsBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DskipITs \
    -Dvpsr.bench.events="$EVENTS" \
    -Dvpsr.bench.skip-verify="${VPSR_BENCH_SKIP_VERIFY:-false}" \
    -Dvpsr.bench.skip-appends="${VPSR_BENCH_SKIP_APPENDS:-false}" \
    -Dvpsr.bench.append-instances="${VPSR_BENCH_APPEND_INSTANCES:-1,2}" \
    -Dvpsr.bench.append-warm-up="${VPSR_BENCH_APPEND_WARM_UP:-800}" \
    -Dvpsr.bench.skip-reports="${VPSR_BENCH_SKIP_REPORTS:-false}" \
    -Dvpsr.bench.summaries-only="${VPSR_BENCH_SUMMARIES_ONLY:-false}" \
    -Dvpsr.bench.pages-only="${VPSR_BENCH_PAGES_ONLY:-false}" \
    -Dvpsr.bench.append-outcomes="${VPSR_BENCH_APPEND_OUTCOMES:-false}" \
    -Dvpsr.bench.durable-appends="${VPSR_BENCH_DURABLE_APPENDS:-true}" \
    -Dvpsr.bench.ids="${VPSR_BENCH_IDS:-service}" \
    -Dvpsr.bench.full-page-writes="${VPSR_BENCH_FULL_PAGE_WRITES:-on}" \
    -Dvpsr.bench.wal-detail="${VPSR_BENCH_WAL_DETAIL:-false}" \
    -Dvpsr.bench.output="$PWD/bootstrap/target/audit-reports-benchmark.md"
echo "figures: bootstrap/target/audit-reports-benchmark.md"
