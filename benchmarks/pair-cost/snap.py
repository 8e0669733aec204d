#!/usr/bin/env python3
"""snap.py JVM_PID POSTMASTER_PID OUT.json: CPU ticks of every JVM thread and every PostgreSQL process."""
import json, os, sys, re
def stat(path):
    s = open(path).read()
    name = s[s.index('(')+1:s.rindex(')')]
    f = s[s.rindex(')')+2:].split()
    return name, int(f[11]), int(f[12]), int(f[13]), int(f[14])  # utime stime cutime cstime
jvm, pm, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
threads = {}
for t in os.listdir(f'/proc/{jvm}/task'):
    try:
        n, u, s, _, _ = stat(f'/proc/{jvm}/task/{t}/stat'); threads[t] = [n, u + s, s]
    except Exception: pass
pg = {}
for p in os.listdir('/proc'):
    if not p.isdigit(): continue
    try:
        st = open(f'/proc/{p}/stat').read()
        ppid = int(st[st.rindex(')')+2:].split()[1])
        if int(p) != pm and ppid != pm: continue
        n, u, s, cu, cs = stat(f'/proc/{p}/stat')
        cmd = open(f'/proc/{p}/cmdline').read().replace('\0', ' ').strip()
        pg[p] = [cmd, u + s, cu + cs if int(p) == pm else 0]
    except Exception: pass
ctx = {}
for t in os.listdir(f'/proc/{jvm}/task'):
    try:
        st = dict(l.split(':\t') for l in open(f'/proc/{jvm}/task/{t}/status').read().splitlines() if ':\t' in l)
        ctx[t] = [threads.get(t, ['?'])[0], int(st['voluntary_ctxt_switches']), int(st['nonvoluntary_ctxt_switches'])]
    except Exception: pass
n, u, s_, _, _ = stat(f'/proc/{jvm}/stat')
json.dump({'threads': threads, 'pg': pg, 'process': u + s_, 'ctx': ctx}, open(out, 'w'))
