#!/usr/bin/env python3
"""writes.py LABEL...: per pair, the operation table's rows (inserted, updated, HOT), the WAL (bytes, records by kind)
and the blocks its records touched by relation, heap or index (run.sh's walstats.tsv and walblocks.tsv)."""
import sys, re, os
R = os.path.join(os.environ.get('PAIR_COST_WORK', '/tmp/pair-cost'), 'runs')
print("| run | load | op rows inserted / updated / HOT | HOT % | WAL bytes | WAL records | Heap / Heap2 / Btree records | block refs heap / index | recovery_operation heap / its indexes | audit_event heap / its indexes |")
print("|" + "---|" * 10)
detail = []
for r in sys.argv[1:]:
    d = f'{R}/{r}'; info = open(f'{d}/info').read()
    n = int((re.search(r'pairs (\d+)', info) or [0, 1000])[1])
    load = re.search(r'measured start \S+ load (\S+)', info)[1]
    t = re.search(r'ins\|upd\|hot before\|after (\S+) (\S+)', info)
    a, b = [list(map(int, x.split('|'))) for x in t.groups()]
    ins, upd, hot = (b[i] - a[i] for i in range(3))
    wal = open(f'{d}/wal.txt').read().split('|')
    ws = [l.rstrip('\n').split('\t') for l in open(f'{d}/walstats.tsv') if l.strip()]
    by = lambda pre: sum(int(x[1]) for x in ws if x[0].startswith(pre + '/'))
    bl = [l.rstrip('\n').split('\t') for l in open(f'{d}/walblocks.tsv') if l.strip()]
    kind = lambda k: sum(int(x[2]) for x in bl if x[1] == k)
    rel = lambda pred: sum(int(x[2]) for x in bl if pred(x[0]))
    op_i = rel(lambda name: name.startswith('recovery_operation_')); au_i = rel(lambda name: name.startswith('audit_event_'))
    print(f"| {r} | {load} | {ins/n:.2f} / {upd/n:.2f} / {hot/n:.2f} | {100*hot/max(upd,1):.1f} | {int(wal[2])/n:.0f} | {int(wal[0])/n:.1f} | "
          f"{by('Heap')/n:.1f} / {by('Heap2')/n:.1f} / {by('Btree')/n:.1f} | {kind('r')/n:.1f} / {kind('i')/n:.1f} | "
          f"{rel(lambda x: x == 'recovery_operation')/n:.1f} / {op_i/n:.1f} | {rel(lambda x: x == 'audit_event')/n:.1f} / {au_i/n:.1f} |")
    detail.append((r, n, ws, bl))
for r, n, ws, bl in detail:
    print(f"\n{r}: WAL records by kind a pair: " + ", ".join(f"{x[0]} {int(x[1])/n:.2f}" for x in ws[:14]))
    print(f"{r}: block refs a pair by relation: " + ", ".join(f"{x[0]} {int(x[2])/n:.2f}" for x in bl[:24]))
