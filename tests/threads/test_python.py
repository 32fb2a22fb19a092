#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""python3 running threads (py_threads.py): each thread's stack and guard,
from the thread's own pthread_getattr_np, and the glibc arena holding each
thread's malloc, checked by address; the thread's comm from /proc.  Python's
own mmaps (pymalloc arenas, frame-stack chunks) have no label of their own
yet: coverage is printed, not asserted.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402
from test_threads import HEAP_MAX, check_range, coverage_from_regions, task_comm  # noqa: E402


def main():
    t = mt.Checker('threads-python')
    python = '/usr/bin/python3' if os.access('/usr/bin/python3', os.X_OK) \
        else sys.executable
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          'py_threads.py')
    with mt.Fixture([python, script]) as fx:
        pid = fx.pid
        snap, rc, err = mt.memmap_json(pid)
        t.eq(rc, 0, 'memmap exit code (stderr: %s)' % err.strip())
        mt.check_snapshot(t, snap, pid)
        threads = [l for l in fx.lines if l[0] == 'thread']
        t.eq(len(threads), 4, 'threads the script reported')
        for _, tid, name, low, size, guard in threads:
            tid, low, size, guard = int(tid), mt.h(low), int(size), int(guard)
            comm = task_comm(pid, tid)
            if name != '-':
                t.eq(comm, name, 'thread %d comm' % tid)
            what = 'thread %d (%s) stack' % (tid, comm)
            for _, r in check_range(t, snap, low, low + size, 'thread.stack', what):
                t.eq(r.get('detail'), 'tid %d %s' % (tid, comm), what + ' detail')
            if guard:
                check_range(t, snap, low - guard, low, 'thread.guard',
                            'thread %d guard' % tid)
        for _, tid, ptr in (l for l in fx.lines if l[0] == 'small'):
            block = mt.h(ptr) & ~(HEAP_MAX - 1)
            check_range(t, snap, block, block + HEAP_MAX, 'glibc.arena',
                        'arena of thread %s' % tid)
        cv, cr = coverage_from_regions(snap)
        t.note('%s: coverage %.2f%% of VSZ, %.2f%% of RSS' %
               (python, 100 * cv, 100 * cr))
    t.done()


if __name__ == '__main__':
    main()
