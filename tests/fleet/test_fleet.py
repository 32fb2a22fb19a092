#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""memmap over many processes, against the truth: several PIDs and names,
--all, --user (a fixture run as nobody), --cgroup (a fixture in a cgroup of
its own), a process that vanished, permission-denied rows (memmap run as
nobody), the time budget; each row's figures against /proc/PID/smaps_rollup,
its identity against /proc, the label totals against the per-process
snapshots."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
import memmaptest as mt  # noqa: E402

NOBODY = 65534
MANY = 300  # processes of case_many


def rollup(pid):
    """Rss, Pss, Swap, Private_* from /proc/PID/smaps_rollup, in bytes."""
    out = {}
    with open('/proc/%d/smaps_rollup' % pid) as f:
        for ln in f:
            k, _, v = ln.partition(':')
            if v.strip().endswith('kB'):
                out[k] = int(v.split()[0]) * 1024
    return out


def fleet_json(*args, ok_rcs=(0, 1), **kw):
    rc, out, err = mt.run_memmap('-J', *args, **kw)
    if rc not in ok_rcs:
        mt.die('memmap -J %s: exit %d: %s' % (' '.join(map(str, args)), rc, err))
    try:
        doc = json.loads(out)
    except ValueError as ex:
        mt.die('memmap -J %s: not JSON (%s): %r' % (args, ex, out[:200]))
    return doc, rc, err


def rows(doc):
    return {p['pid']: p for p in doc['processes']}


def cmdline(pid):
    with open('/proc/%d/cmdline' % pid, 'rb') as f:
        return f.read().rstrip(b'\0').replace(b'\0', b' ').decode()


def check_row(t, row, pid, uid):
    """A read row against the truth of its live process."""
    snap = row['snapshot']
    if not t.check(row['read'] and snap, '%d: read (%s)' % (pid, row['reason'])):
        return
    truth = rollup(pid)
    t.eq(snap['totals']['rss'], truth['Rss'], '%d: RSS vs smaps_rollup' % pid)
    # PSS of shared pages moves as other processes come and go.
    t.check(abs(snap['totals']['pss'] - truth['Pss']) <= 64 * 1024,
            '%d: PSS %d vs smaps_rollup %d' % (pid, snap['totals']['pss'], truth['Pss']))
    uss = truth['Private_Clean'] + truth['Private_Dirty']
    t.check(abs(row['uss'] - uss) <= 64 * 1024,   # shared turns private as others exit
            '%d: USS %d vs smaps_rollup Private_* %d' % (pid, row['uss'], uss))
    ident = snap['identity']
    t.eq(ident['cmdline'], cmdline(pid), '%d: identity.cmdline' % pid)
    t.eq(ident['uid'], uid, '%d: identity.uid' % pid)
    t.eq(ident['hostname'], socket.gethostname(), '%d: identity.hostname' % pid)
    st = os.stat('/proc/%d' % pid)
    t.check(ident['start_time'] and abs(ident['start_time'] - st.st_ctime) < 120,
            '%d: identity.start_time %r near /proc/PID ctime %d'
            % (pid, ident['start_time'], st.st_ctime))


def case_several(t, sleep, tmp):
    """Two PIDs and a NAME that two processes carry: every one a row."""
    name = 'flsleep%d' % (os.getpid() % 100000)
    copy = os.path.join(tmp, name)
    shutil.copy(sleep, copy)
    with mt.Process([copy, '600']) as a, mt.Process([copy, '600']) as b, \
            mt.Fixture([os.environ['MEMMAP_FACTORY']]) as fx:
        doc, rc, err = fleet_json(fx.pid, name)
        t.eq(doc['schema'], 'memmap-fleet/1', 'schema')
        t.eq(sorted(rows(doc)), sorted([fx.pid, a.pid, b.pid]),
             'a PID and a NAME two processes carry: three rows')
        t.eq(rc, 0, 'all read: exit 0 (%s)' % err.strip())
        for pid in (fx.pid, a.pid, b.pid):
            check_row(t, rows(doc)[pid], pid, 0)
        # The factory's 1 MiB of private anonymous memory is anon.
        cats = {c['label']: c for c in rows(doc)[fx.pid]['snapshot']['categories']}
        t.check(cats.get('anon', {}).get('rss', 0) >= 1 << 20,
                'factory: its 1 MiB anon region is there')
        # Label totals are the per-process sums.
        sums = {}
        for p in doc['processes']:
            for c in p['snapshot']['categories']:
                sums[c['label']] = sums.get(c['label'], 0) + c['pss']
        got = {lt['label']: lt['pss'] for lt in doc['label_totals']}
        t.eq(got, sums, 'label_totals PSS = sum of the snapshots\' categories')
        t.eq(doc['totals']['pss'],
             sum(p['snapshot']['totals']['pss'] for p in doc['processes']),
             'totals.pss = sum of the processes\' PSS')
        # --summary: no mappings; the table: a row a process.
        s, _, _ = fleet_json('--summary', a.pid, b.pid)
        t.check(all('mappings' not in p['snapshot'] for p in s['processes']),
                '--summary: snapshots without mappings')
        rc, out, _ = mt.run_memmap('-b', '-s', 'PID', fx.pid, a.pid)
        lines = [ln.split() for ln in out.splitlines()]
        pids = [int(w[0]) for w in lines if w and w[0].isdigit()]
        t.eq(pids, sorted([fx.pid, a.pid]), 'process list, -s PID: the PIDs in order')
        t.check(any(w[0] == 'anon' for w in lines if w), 'label totals list anon')
        t.check(copy + ' 600' in out, 'COMMAND shows the command line')
        rc, out, err = mt.run_memmap('-s', 'LABELS', a.pid, b.pid)
        t.eq(rc, 64, '-s LABELS: usage error (%s)' % err.strip())


def case_vanished(t, sleep):
    """A process that is gone is a row, not an abort; exit 0."""
    gone = subprocess.Popen([sleep, '0'])
    gone.wait()
    with mt.Process([sleep, '600']) as a:
        doc, rc, err = fleet_json(a.pid, gone.pid)
        r = rows(doc)
        t.check(r[a.pid]['read'], 'the live one is read')
        t.check(not r[gone.pid]['read'] and r[gone.pid]['gone'],
                'the vanished one: a row, gone (%r)' % r[gone.pid])
        t.eq(rc, 0, 'a vanished process does not make the exit status')


def status_kb(pid):
    """The kB fields of /proc/PID/status, in bytes; Threads as a count."""
    out = {}
    with open('/proc/%d/status' % pid) as f:
        for ln in f:
            k, _, v = ln.partition(':')
            w = v.split()
            if len(w) == 2 and w[1] == 'kB':
                out[k] = int(w[0]) * 1024
            elif k == 'Threads':
                out[k] = int(w[0])
    return out


def case_many(t, sleep):
    """More processes than a sweep once read (the 251st on were rows
    saying 'the process exited'): every one read, its facts as its
    status says."""
    procs = [subprocess.Popen([sleep, '600']) for _ in range(MANY)]
    try:
        pids = [p.pid for p in procs]
        doc, rc, err = fleet_json('--summary', *pids)
        r = rows(doc)
        unread = [pid for pid in pids if not r[pid]['read']]
        t.eq(unread, [], '%d processes: every one read (%s)' % (MANY, err.strip()[:200]))
        for pid in pids[::50]:
            if not r[pid]['read']:
                continue
            snap, truth = r[pid]['snapshot'], status_kb(pid)
            t.eq(snap['comm'], 'sleep', '%d: comm' % pid)
            for key, field in (('vm_size', 'VmSize'), ('vm_rss', 'VmRSS'),
                               ('rss_anon', 'RssAnon'), ('rss_file', 'RssFile'),
                               ('rss_shmem', 'RssShmem'), ('vm_swap', 'VmSwap'),
                               ('hugetlb_pages', 'HugetlbPages'), ('threads', 'Threads')):
                t.eq(snap['status'][key], truth[field], '%d: status.%s vs %s' % (pid, key, field))
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait()


def case_all(t, sleep):
    with mt.Process([sleep, '600']) as a:
        doc, rc, err = fleet_json('--all', '--summary')
        r = rows(doc)
        t.check(a.pid in r and r[a.pid]['read'], '--all: the fixture is read')
        t.check(2 not in r, '--all: no kernel threads (kthreadd)')
        t.check(all(p['pid'] != p.get('self') for p in doc['processes']),
                '--all rows')
        t.eq(doc['totals']['processes'], len(doc['processes']), 'totals.processes')
        check_row(t, r[a.pid], a.pid, 0)


def case_user(t, sleep):
    with mt.Process([sleep, '600'], preexec_fn=mt.as_user(NOBODY)) as a:
        doc, rc, err = fleet_json('--user', 'nobody', '--summary')
        r = rows(doc)
        t.check(a.pid in r, '--user nobody: the fixture run as nobody')
        t.check(all(p['snapshot']['identity']['uid'] == NOBODY if p['read']
                    else p['identity']['uid'] == NOBODY for p in doc['processes']),
                '--user nobody: only nobody\'s processes')
        check_row(t, r[a.pid], a.pid, NOBODY)
        rc, _, err = mt.run_memmap('--user', 'no-such-user-xyz')
        t.eq(rc, 64, 'an unknown user: usage error (%s)' % err.strip())


def case_cgroup(t, sleep):
    root = None
    with open('/proc/mounts') as f:
        for ln in f:
            w = ln.split()
            if len(w) > 2 and w[2] == 'cgroup2':
                root = w[1]
                break
    if not root:
        t.note('cgroup v2 is not mounted: --cgroup not tested')
        return
    cg = os.path.join(root, 'memmap-test-%d' % os.getpid())
    try:
        os.mkdir(cg)
    except OSError as ex:
        t.note('cannot make a cgroup (%s): --cgroup not tested' % ex)
        return
    try:
        with mt.Process([sleep, '600']) as a, mt.Process([sleep, '600']) as b:
            with open(os.path.join(cg, 'cgroup.procs'), 'w') as f:
                f.write(str(a.pid))
            for arg in (cg, '/' + os.path.basename(cg)):
                doc, rc, err = fleet_json('--cgroup', arg)
                t.eq(sorted(rows(doc)), [a.pid], '--cgroup %s: its one process' % arg)
            ident = rows(doc)[a.pid]['snapshot']['identity']
            t.eq(ident['cgroup'], '/' + os.path.basename(cg), 'identity.cgroup')
            rc, _, err = mt.run_memmap('--cgroup', cg + '-missing')
            t.eq(rc, 2, 'a missing cgroup: exit 2 (%s)' % err.strip())
            del b
    finally:
        for _ in range(50):
            try:
                os.rmdir(cg)
                break
            except OSError:
                time.sleep(0.1)


def case_denied(t, sleep):
    """As nobody, --all: root's processes are rows saying why; exit 1."""
    with mt.Process([sleep, '600']) as root_proc, \
            mt.Process([sleep, '600'], preexec_fn=mt.as_user(NOBODY)) as mine:
        doc, rc, err = fleet_json('--all', '--summary', preexec_fn=mt.as_user(NOBODY))
        r = rows(doc)
        t.check(root_proc.pid in r and not r[root_proc.pid]['read'] and
                'permission denied' in (r[root_proc.pid]['reason'] or ''),
                'as nobody: root\'s process is a permission-denied row (%r)'
                % r.get(root_proc.pid))
        t.check(mine.pid in r and r[mine.pid]['read'], 'as nobody: its own process is read')
        t.eq(rc, 1, 'some rows unread: exit 1')
        t.eq(err.strip(), '', 'no message a row: rows carry them (%s)' % err[:200])


def case_budget(t, sleep):
    """A process that takes longer than --budget is a row; the sweep goes on."""
    with mt.Fixture([os.environ['MEMMAP_FACTORY'], '--many', '30000']) as big, \
            mt.Process([sleep, '600']) as small:
        start = time.monotonic()
        doc, rc, err = fleet_json('--budget', '0.1', big.pid, small.pid)
        took = time.monotonic() - start
        r = rows(doc)
        if r[big.pid]['read']:
            t.note('30,000 mappings read within 0.1 s: budget not exercised')
            return
        t.check(r[big.pid]['timeout'] and 'budget' in r[big.pid]['reason'],
                'over budget: a row with the reason (%r)' % r[big.pid]['reason'])
        t.check(r[small.pid]['read'], 'the sweep went on to the next process')
        t.eq(rc, 1, 'over budget: exit 1')
        t.note('sweep with one process over a 0.1 s budget took %.2f s' % took)


def main():
    t = mt.Checker('fleet')
    sleep = shutil.which('sleep')
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        case_several(t, sleep, tmp)
    case_vanished(t, sleep)
    case_many(t, sleep)
    case_all(t, sleep)
    if os.geteuid() == 0:
        case_user(t, sleep)
        case_cgroup(t, sleep)
        case_denied(t, sleep)
    else:
        t.note('not root: --user, --cgroup and denied rows not tested')
    case_budget(t, sleep)
    t.done()


if __name__ == '__main__':
    main()
