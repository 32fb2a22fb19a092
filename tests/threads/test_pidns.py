#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""threads_fixture in a pid namespace of its own (unshare --pid --fork): the
tids glibc stores and prints are the namespace's, memmap must still name
each stack by the tid seen from outside (NSpid in /proc/TID/status maps
one to the other), and find the main thread's TLS.  Skipped where
unshare --pid is not permitted.
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402
from test_threads import check_range, task_comm  # noqa: E402


def outer_tids(pid):
    """{tid inside the namespace: tid outside} for every task of pid."""
    out = {}
    for tid in os.listdir('/proc/%d/task' % pid):
        with open('/proc/%d/task/%s/status' % (pid, tid)) as f:
            for line in f:
                if line.startswith('NSpid:'):
                    out[int(line.split()[-1])] = int(tid)
    return out


def main():
    t = mt.Checker('threads-pidns')
    fixture = os.path.join(os.environ.get('MEMMAP_BUILD', '.'), 'tests',
                           'threads', 'threads_fixture')
    probe = subprocess.run(['unshare', '--pid', '--fork', 'true'],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        mt.skip('unshare --pid not permitted here: %s' % probe.stderr.strip())
    with mt.Fixture(['unshare', '--pid', '--fork', '--kill-child', fixture]) as fx:
        with open('/proc/%d/task/%d/children' % (fx.proc.pid, fx.proc.pid)) as f:
            kids = f.read().split()
        if not t.check(len(kids) == 1, 'unshare children: %r' % kids):
            t.done()
        pid = int(kids[0])
        t.eq(fx.pid, 1, 'the fixture\'s own pid inside its namespace')
        ids = outer_tids(pid)
        snap, rc, err = mt.memmap_json(pid)
        t.eq(rc, 0, 'memmap exit code (stderr: %s)' % err.strip())
        for _, tid, _, low, size, guard, _ in (l for l in fx.lines
                                                if l[0] == 'thread'):
            inner, low, size = int(tid), mt.h(low), int(size)
            outer = ids.get(inner)
            if not t.check(outer is not None, 'no task with NSpid %d' % inner):
                continue
            t.check(outer != inner, 'thread %d: same tid inside and out' % inner)
            what = 'stack of thread %d (outside %d)' % (inner, outer)
            for _, r in check_range(t, snap, low, low + size, 'thread.stack', what):
                t.eq(r.get('detail'), 'tid %d %s' % (outer, task_comm(pid, outer)),
                     what + ' detail')
        tcb = mt.h(fx.info['tls'][0])
        check_range(t, snap, tcb, tcb + 1, 'ld.tls', 'main thread TCB',
                    exact_edges=False)
    t.done()


if __name__ == '__main__':
    main()
