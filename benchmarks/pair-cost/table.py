#!/usr/bin/env python3
import sys, re, os
R=os.path.join(os.environ.get('PAIR_COST_WORK', '/tmp/pair-cost'), 'runs')
H=('select count(*) from recovery_operation','select pg_stat_statements_reset','select state, count(*)','select n_tup_ins','select "resource_manager','select coalesce(c.relname')
nested=('WITH grouped AS MATERIALIZED','NOT EXISTS (SELECT FROM added)')
print("| run | start, load | window s | top-level statements (without the attempt reads) | find by id / all ids | live-restore reads | attempt reads | commits (without) | wal_sync | WAL records | PostgreSQL CPU ms | JVM w/o compilers ms | carriers | tracker | poller | create / delete service p50, p99 ms |")
print("|"+"---|"*16)
for r in sys.argv[1:]:
    d=f'{R}/{r}'; n=int((re.search(r'pairs (\d+)',open(f'{d}/info').read()) or [0,1000])[1])
    rows=[l.rstrip('\n').split('\t') for l in open(f'{d}/statements.tsv') if l.strip()]
    top=[x for x in rows if not x[5].startswith(H) and not x[5].startswith(nested) and x[4] not in ('f','false')]
    c=lambda pat: sum(int(x[0]) for x in top if pat in x[5])/n
    info=open(f'{d}/info').read()
    m=re.search(r'measured start (\S+) load (\S+)',info); w=re.search(r'window (\S+) s',info)
    cm=info.split('commits before|after ')[1].split(); commits=(int(cm[1].split('|')[0])-int(cm[0].split('|')[0]))/n
    wal=open(f'{d}/wal.txt').read().split('|')
    cpu=open(f'{d}/cpu.txt').read()
    g=lambda pat: (re.search(pat+r'\s+([\d.]+)',cpu) or [None,'-'])[1]
    live=c("kind IN ('RESTORE_SNAPSHOT'")+c('kind IN ($7, $8)')+c('kind IN ($5, $6)')
    pm=re.search(r'poller:\S+\s+([\d.]+)',cpu); poller=pm[1] if pm else '-'
    meas=open(f'{d}/measured.txt').read()
    s=re.findall(r'service p50=([\d.]+) p99=([\d.]+)',meas)
    print(f"| {r} | {m[1]}, {m[2]} | {float(w[1]):.0f} | {sum(int(x[0]) for x in top)/n:.2f} ({sum(int(x[0]) for x in top)/n - c('WITH attempt AS MATERIALIZED'):.2f}) | {c('SELECT operation_row_'):.2f} / {c('id = ANY(CAST'):.2f} | {live:.2f} | {c('WITH attempt AS MATERIALIZED'):.2f} | {commits:.2f} ({commits - c('WITH attempt AS MATERIALIZED'):.2f}) | {int(wal[4])/n:.2f} | {int(wal[0])/n:.1f} | {g('PostgreSQL')} | {g('without compilers')} | {g('request carriers')} | {g('db-scheduler-po')} | {poller} | {s[0][0]}/{s[1][0]}, {s[0][1]}/{s[1][1]} |")
