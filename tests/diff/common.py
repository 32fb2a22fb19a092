# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared by the diff tests: the grow fixture and reading what it did."""

import os
import select
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

PAGE = os.sysconf('SC_PAGE_SIZE')


def page_up(x):
    return (x + PAGE - 1) // PAGE * PAGE


def grow_binary():
    if len(sys.argv) < 3:
        mt.die('usage: %s MODE GROW_FIXTURE' % sys.argv[0])
    return sys.argv[2]


def trigger(fx, timeout=20, sig=signal.SIGUSR1):
    """Sends sig (SIGUSR1: grow, SIGUSR2: take back) to the grow fixture
    and returns what it reports doing: {key: [words]} for the lines up to
    `done`."""
    os.kill(fx.pid, sig)
    fd = fx.proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    buf = b''
    info = {}
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            mt.die('grow: no "done" within %ds; got %r' % (timeout, buf[-300:]))
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            mt.die('grow: exited before "done"; got %r' % buf[-300:])
        buf += chunk
        while b'\n' in buf:
            line, buf = buf.split(b'\n', 1)
            words = line.decode().split()
            if words == ['done']:
                return info
            if words:
                info[words[0]] = words[1:]


def rng(info, key):
    return mt.h(info[key][0]), mt.h(info[key][1])


def vmrss(pid):
    return mt.status_bytes(mt.proc_status(pid), 'VmRSS')


def snapshot_to(path, pid):
    """memmap -J PID > path; returns the snapshot dict."""
    rc, out, err = mt.run_memmap('-J', pid)
    if rc not in (0, 1):
        mt.die('memmap -J %d: exit %d: %s' % (pid, rc, err.strip()))
    with open(path, 'w') as f:
        f.write(out)
    return mt.json.loads(out)


def diff_json(*args, ok_rcs=(0, 1)):
    rc, out, err = mt.run_memmap('-J', '--diff', *args)
    if rc not in ok_rcs:
        mt.die('memmap -J --diff %s: exit %d: %s' %
               (' '.join(map(str, args)), rc, err.strip()))
    try:
        return mt.json.loads(out), err
    except ValueError as ex:
        mt.die('memmap -J --diff %s: not JSON (%s): %r' %
               (' '.join(map(str, args)), ex, out[:300]))


def overlapping(d, start, end):
    return [c for c in d['changes']
            if mt.h(c['start']) < end and mt.h(c['end']) > start]
