#!/usr/bin/env python3
import sys, os
out, n = sys.argv[1], int(sys.argv[2])
HARNESS = ('select count(*) from recovery_operation', 'select pg_stat_statements_reset', 'select state, count(*)',
           'select n_tup_ins', 'select "resource_manager', 'select coalesce(c.relname')
rows = [l.rstrip('\n').split('\t') for l in open(f'{out}/statements.tsv') if l.strip()]
rows = [r for r in rows if not r[5].startswith(HARNESS)]
top = [r for r in rows if r[4] in ('t', 'true')] if rows and rows[0][4] in ('t', 'f', 'true', 'false') else rows
calls = sum(int(r[0]) for r in top); time = sum(float(r[1]) for r in top); buf = sum(int(r[2]) for r in rows); wr = sum(int(r[3]) for r in rows)
wal = open(f'{out}/wal.txt').read().split('|')
info = open(f'{out}/info').read()
c = info.split('commits before|after ')[1].split()
commits = (int(c[1].split('|')[0]) - int(c[0].split('|')[0])) / n
app = [l for l in rows if 'INSERT INTO audit_event' in l[5] or 'audit_event (' in l[5]]
print(f"per pair: top-level statements {calls/n:.2f} (BEGIN {sum(int(r[0]) for r in top if r[5].startswith('BEGIN'))/n:.2f}), exec {time/n:.3f} ms, buffers {buf/n:.0f}, wal records(stmts) {wr/n:.1f}; "
      f"WAL records {int(wal[0])/n:.1f} bytes {int(wal[2])/n:.0f} wal_write {int(wal[3])/n:.2f} wal_sync {int(wal[4])/n:.2f}; commits {commits:.2f}")
print(open(f'{out}/cpu.txt').read())
print("top statements (calls/pair, ms/call, ms/pair, buffers/call, walrec/call):")
for r in rows[:40]:
    k = int(r[0])
    if k == 0: continue
    print(f"  {'' if r[4] in ('t','true') else 'nested '}{k/n:5.2f} {float(r[1])/k:6.3f} {float(r[1])/n:6.3f} {int(r[2])/k:6.1f} {int(r[3])/k:5.1f}  {r[5][:150]}")
