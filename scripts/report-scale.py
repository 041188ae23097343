#!/usr/bin/env python3
# Fills a file with N leads (default 1,000,000) and A activities each (default 10), through the rules,
# for measuring the reports at scale (docs/performance.md, Reports):
#   swift build --product leads && LEADS=.build/debug/leads python3 scripts/report-scale.py big.db 1000000 10
#   time sqlite3 big.db "SELECT * FROM pipeline_forecast"
# About 10 minutes and 1.8 GB at a million leads. 40 reps, six campaigns, a year of captures, moves and wins.
import sqlite3, random, time, subprocess, os, datetime, sys
random.seed(11)
P=sys.argv[1] if len(sys.argv)>1 else 'big.db'
N=int(sys.argv[2]) if len(sys.argv)>2 else 1000000
A=int(sys.argv[3]) if len(sys.argv)>3 else 10
for s in ('','-wal','-shm'):
    try: os.remove(P+s)
    except FileNotFoundError: pass
subprocess.run([os.environ.get('LEADS','.build/debug/leads'),'--db',P,'--create','-c','select 1'],check=True,capture_output=True)
db=sqlite3.connect(P,isolation_level=None,timeout=30)
t0=time.time()
def now(d): return (datetime.datetime(2025,1,1,9)+datetime.timedelta(days=d)).strftime('%Y-%m-%dT%H:%M:%S.000Z')
def clock(d): db.execute("UPDATE settings SET value=? WHERE key='clock.now'",(now(d),))
db.execute("BEGIN IMMEDIATE")
for r in range(40):
    db.execute("INSERT INTO reps(name,email,capacity) VALUES (?,?,?)",(f'Rep {r} Person',f'rep{r}@co.x',100000))
for c,s,cost in [('q1','ads',50000),('q2','ads',40000),('q3',None,30000),('q4',None,20000),('expo','tradeshow',90000),('spring','webinar',10000)]:
    db.execute("INSERT INTO campaigns(name,source,cost) VALUES (?,?,?)",(c,s,cost))
db.execute("COMMIT")
SRC=['webinar','ads','organic','referral','partner','tradeshow','demo_request',None]
CAM=['q1','q2','q3','q4','expo','spring',None]
IND=['SaaS','Retail','Fintech','Energy','Healthcare',None]
CTRY=['US','GB','DE','FR','IN','BR',None]
TIT=['CEO','VP Sales','Director of IT','Office Manager','Engineer','Head of Growth',None]
KINDS=['call','email_sent','email_open','page_view','meeting']
B=10000; NB=N//B; step=360.0/NB
R=[r[0] for r in db.execute("select reason from lost_reasons")]
def mv(i,stage,**kw):
    sets=', '.join(['stage=?']+[f'{k}=?' for k in kw])
    try: db.execute(f"UPDATE leads SET {sets} WHERE id=?",[stage]+list(kw.values())+[i]); return True
    except sqlite3.Error as e: return False
fails=0
for b in range(NB):
    base=b*step
    clock(base)
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO lead_imports(email,first_name,source,campaign,industry,country,company_size,title) VALUES (?,?,?,?,?,?,?,?)",
        [(f'p{b*B+i}@ex{i%97}.com','Pat',random.choice(SRC),random.choice(CAM),random.choice(IND),random.choice(CTRY),str(random.choice([3,20,80,500,5000])),random.choice(TIT)) for i in range(B)])
    db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
    db.execute("DELETE FROM lead_imports WHERE status<>'pending'")
    db.execute("COMMIT")
    lo,hi=db.execute("select min(id),max(id) from lead_records where id > coalesce((select max(id) from lead_records)-?,0)",(B,)).fetchone()
    chunk=list(range(lo,hi+1))
    cur=dict(db.execute(f"select id, stage from lead_records where id between {lo} and {hi}"))
    # activities, A per lead on average, in 10 slices of time
    for k in range(10):
        clock(base+step*k/10)
        db.execute("BEGIN IMMEDIATE")
        rows=[(i,random.choice(KINDS),random.choice(CAM) if random.random()<0.2 else None) for i in chunk for _ in range(A//10 if A>=10 else (1 if random.random()<A/10 else 0))]
        db.executemany("INSERT INTO activities(lead_id,kind,campaign) VALUES (?,?,?)",rows)
        db.execute("COMMIT")
    db.execute("BEGIN IMMEDIATE")
    clock(base+1)
    for i in chunk:
        if random.random()<0.6 and cur[i]=='new':
            if mv(i,'contacted'): cur[i]='contacted'
    clock(base+3)
    for i in chunk:
        if cur[i] in ('contacted','mql') and random.random()<0.5:
            if mv(i,'sql'): cur[i]='sql'
            else: fails+=1
    clock(base+6)
    for i in chunk:
        if cur[i]=='sql' and random.random()<0.6:
            if mv(i,'opportunity',amount=random.randint(1,200)*500): cur[i]='opportunity'
            else: fails+=1
        elif cur[i] in ('new','contacted') and random.random()<0.1:
            if mv(i,'disqualified',lost_reason=random.choice(R)): cur[i]='disqualified'
    clock(base+6+random.randint(5,40))
    for i in chunk:
        if cur[i]=='opportunity' and b < NB*0.9:
            x=random.random()
            if x<0.35:
                if mv(i,'customer'): cur[i]='customer'
            elif x<0.65:
                if mv(i,'disqualified',lost_reason=random.choice(R)): cur[i]='disqualified'
    db.execute("COMMIT")
    print('batch',b,round(time.time()-t0,1),'fails',fails,flush=True)
db.execute("UPDATE settings SET value=? WHERE key='clock.now'",(now(380),))
print(db.execute("select stage,count(*) from lead_records group by 1").fetchall())
print(db.execute("select count(*) from activity_log").fetchall())
print('done',round(time.time()-t0,1))
