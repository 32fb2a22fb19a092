#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A cgo Go program (cgo_threads/): the pthread stack and guard of each M
that a goroutine locked, the glibc arena of each thread's malloc and each
large malloc's chunk, checked by address against what the C side reported
(pthread_getattr_np, malloc); coverage of VSZ and RSS >= 99%.

Usage: test_cgo.py BINARY | --missing GO
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402
from test_threads import HEAP_MAX, check_range, coverage_from_regions, task_comm  # noqa: E402


def settle(pid, timeout=10):
    """Waits until /proc/PID/maps stops changing: the Go runtime may still
    be starting threads (each with its arena) after `ready`."""
    last, stable = None, 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and stable < 5:
        time.sleep(0.1)
        with open('/proc/%d/maps' % pid) as f:
            cur = f.read()
        stable = stable + 1 if cur == last else 0
        last = cur


def main():
    if sys.argv[1] == '--missing':
        mt.skip('%s is not installed: no cgo program to build' % sys.argv[2])
    t = mt.Checker('threads-cgo')
    binary = sys.argv[1]
    with mt.Fixture([binary]) as fx:
        pid = fx.pid
        settle(pid)
        snap, rc, err = mt.memmap_json(pid)
        t.eq(rc, 0, 'memmap exit code (stderr: %s)' % err.strip())
        mt.check_snapshot(t, snap, pid)
        t.eq((snap.get('runtime') or {}).get('cgo'), True, 'runtime.cgo')
        threads = [l for l in fx.lines if l[0] == 'thread']
        t.eq(len(threads), 4, 'threads the program reported')
        for _, tid, _, low, size, guard, _ in threads:
            tid, low, size, guard = int(tid), mt.h(low), int(size), int(guard)
            comm = task_comm(pid, tid)
            what = 'M thread %d stack' % tid
            for _, r in check_range(t, snap, low, low + size, 'thread.stack', what):
                t.eq(r.get('detail'), 'tid %d %s' % (tid, comm), what + ' detail')
            if guard:
                check_range(t, snap, low - guard, low, 'thread.guard',
                            'thread %d guard' % tid)
        for _, tid, ptr in (l for l in fx.lines if l[0] == 'small'):
            block = mt.h(ptr) & ~(HEAP_MAX - 1)
            check_range(t, snap, block, block + HEAP_MAX, 'glibc.arena',
                        'arena of thread %s' % tid)
        for _, tid, ptr, size in (l for l in fx.lines if l[0] == 'large'):
            chunk = mt.h(ptr) - 16
            end = chunk + (int(size) + 16 + 4095) // 4096 * 4096
            check_range(t, snap, chunk, end, 'glibc.mmap-chunk',
                        'malloc(%s) by %s' % (size, tid))
        cv, cr = coverage_from_regions(snap)
        t.note('coverage: %.2f%% of VSZ, %.2f%% of RSS' % (100 * cv, 100 * cr))
        t.check(cv >= 0.99, 'coverage of VSZ %.4f < 0.99' % cv)
        t.check(cr >= 0.99, 'coverage of RSS %.4f < 0.99' % cr)
    t.done()


if __name__ == '__main__':
    main()
