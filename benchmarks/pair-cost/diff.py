#!/usr/bin/env python3
"""diff.py BEFORE AFTER PAIRS: ms of CPU a pair by JVM thread group and PostgreSQL process kind."""
import json, sys, re, collections
b, a, n = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
ms = lambda ticks: ticks * 10.0 / n
def group(name):
    if name.startswith('ForkJoinPool') or 'carrier' in name.lower(): return 'request carriers'
    if 'Poller' in name: return 'poller:' + name
    if name.startswith('default-nioEv') or name.startswith('default-epoll') or 'EventLoop' in name or name.startswith('epollEv'): return 'server loops'
    if 'C2 Compiler' in name or 'C1 Compiler' in name or 'Compiler' in name: return 'compilers'
    if name.startswith('GC') or 'G1' in name or name.startswith('VM ') or 'Concurrent' in name: return 'GC/VM'
    return re.sub(r'[-#]?\d+$', '', name)
g = collections.Counter(); gk = collections.Counter()
for t, (name, tot, sys_) in a['threads'].items():
    prev = b['threads'].get(t, [name, 0, 0])
    g[group(name)] += tot - prev[1]; gk[group(name)] += sys_ - prev[2]
if 'process' in a and 'process' in b:
    gone = (a['process'] - b['process']) - sum(g.values())
    # Threads that ended inside the window (idle carriers retire): their CPU is only in the process's total.
    if gone > 0: g['threads ended in the window (carriers)'] += gone
tot = sum(g.values()); comp = g['compilers']
print(f"JVM all {ms(tot):.2f}  without compilers {ms(tot-comp):.2f}  (kernel {ms(sum(gk.values())-gk['compilers']):.2f})")
for k, v in g.most_common():
    if v: print(f"  {k:40s} {ms(v):6.2f}  (kernel {ms(gk[k]):.2f})")
pg = collections.Counter()
for p, (cmd, t, c) in a['pg'].items():
    prev = b['pg'].get(p, [cmd, 0, 0])
    kind = 'postmaster' if not cmd.startswith('postgres:') else re.sub(r'^postgres: ', '', cmd)
    if re.match(r'postgres \w+ 127', kind): kind = 'client backends'
    pg[kind] += t - prev[1]
    if c: pg['exited children'] += c - prev[2]
print(f"PostgreSQL {ms(sum(pg.values())):.2f}")
for k, v in pg.most_common():
    if v: print(f"  {k:40s} {ms(v):6.2f}")

if 'ctx' in a and 'ctx' in b:
    cs = collections.Counter()
    for t, (name, v, nv) in a['ctx'].items():
        pv = b['ctx'].get(t, [name, 0, 0])
        cs[group(name)] += (v - pv[1]) + (nv - pv[2])
    print(f"JVM context switches a pair {sum(cs.values())/n:.1f}: " + ", ".join(f"{k} {v/n:.1f}" for k, v in cs.most_common(6)))
