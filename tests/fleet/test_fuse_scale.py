#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""fleet: --all among a few hundred processes, one of which maps a file on a
FUSE mount whose server stopped answering (tests/fixtures/fuse_stall.c): the
sweep ends (a generous bound, not a speed), the server is a row with the
note that its file was not opened, and each of the 300 other processes is a
row, read (--all --summary -J); the same rows in the process list (--all).

usage: test_fuse_scale.py"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

CROWD = 300
BOUND = 300		# seconds: only a memmap waiting on the server takes this long
# The per-process budget (default 5 s) is not under test here: a loaded
# machine (an ASan build beside others) must not make a row time out.
BUDGET = ['--budget', '60']
NOTE = 'on fuse not opened'


def bounded(waiting, args):
    return mt.run_bounded(waiting, args, BOUND)


def start_crowd(n):
    crowd = []
    try:
        for _ in range(n):
            crowd.append(subprocess.Popen(['sleep', '900'], stdin=subprocess.DEVNULL,
                                          start_new_session=True))
    except OSError as ex:
        stop_crowd(crowd)
        mt.skip('cannot start %d processes: %s' % (n, ex))
    # Each has exec'd sleep (not still the forked python) before the sweep.
    deadline = time.monotonic() + 60
    for p in crowd:
        while time.monotonic() < deadline:
            try:
                if os.readlink('/proc/%d/exe' % p.pid).endswith('/sleep'):
                    break
            except OSError:
                pass
            time.sleep(0.05)
    return crowd


def stop_crowd(crowd):
    for p in crowd:
        p.kill()
    for p in crowd:
        p.wait()


def sweep(t, fx, crowd, waiting):
    pids = {p.pid for p in crowd}
    rc, out, err, took = bounded(waiting, BUDGET + ['-J', '--all', '--summary'])
    if not t.check(rc is not None, '--all -J: still running after %d s: a stalled '
                   'FUSE server must not hold the sweep' % BOUND):
        return
    t.note('--all -J --summary over %d processes took %.1f s' % (CROWD + 1, took))
    t.check(rc in (0, 1), '--all -J: exit %d (%s)' % (rc, err[-300:]))
    doc = json.loads(out)
    rows = {r['pid']: r for r in doc['processes']}
    srv = rows.get(fx.pid)
    if t.check(srv, 'the FUSE server %d is a row' % fx.pid):
        t.check(srv['read'] and not srv['timeout'],
                'the FUSE server is read, not timed out: %r' % srv['reason'])
        t.check(srv['reason'] and NOTE in srv['reason'],
                'the FUSE server\'s row notes the file not opened: %r' % srv['reason'])
        snap = srv['snapshot'] or {}
        t.check(any(NOTE in w for w in snap.get('warnings', [])),
                'the FUSE server\'s snapshot has the warning')
    missing = sorted(pids - set(rows))
    t.eq(missing, [], 'every one of the %d processes is a row' % CROWD)
    unread = [(p, rows[p]['reason']) for p in pids if p in rows and not rows[p]['read']]
    t.eq(unread, [], 'every one of the %d processes is read' % CROWD)

    # The process list: raw rows escape a space as \x20.
    rc, out, err, took = bounded(waiting, BUDGET + ['--all', '-r', '-n', '-u'])
    if not t.check(rc is not None, '--all: still running after %d s' % BOUND):
        return
    t.note('--all (table) took %.1f s' % took)
    t.check(rc in (0, 1), '--all: exit %d (%s)' % (rc, err[-300:]))
    lines = {}
    for line in out.replace('\\x20', ' ').splitlines():
        f = line.split()
        if f and f[0].isdigit():
            lines.setdefault(int(f[0]), line)
    t.eq(sorted(pids - set(lines)), [], 'the table has a row for each of the %d' % CROWD)
    t.check(fx.pid in lines and re.search(NOTE, lines[fx.pid]),
            'the table\'s FUSE server row carries the note: %r' % lines.get(fx.pid))


def main():
    t = mt.Checker('fleet-fuse-scale')
    server = os.environ.get('MEMMAP_FUSE_STALL') or mt.die('MEMMAP_FUSE_STALL is not set')
    if os.geteuid() != 0:
        mt.skip('mounting FUSE on raw /dev/fuse needs root')
    if not os.path.exists('/dev/fuse'):
        subprocess.run(['modprobe', 'fuse'], capture_output=True)
    if not os.path.exists('/dev/fuse'):
        mt.skip('no /dev/fuse (modprobe fuse failed)')
    mnt = tempfile.mkdtemp(prefix='memmap-fuse.')
    waiting = []
    crowd = []
    try:
        with mt.Fixture([server, mnt]) as fx:
            if 'nofuse' in fx.info:
                mt.skip('cannot mount FUSE here: ' + ' '.join(fx.info['nofuse']))
            crowd = start_crowd(CROWD)
            sweep(t, fx, crowd, waiting)
    finally:
        stop_crowd(crowd)
        subprocess.run(['umount', '-l', mnt], capture_output=True)
        for p in waiting:
            if p.poll() is None:
                p.kill()
            p.wait()
        try:
            os.rmdir(mnt)
        except OSError:
            pass
    t.done()


if __name__ == '__main__':
    main()
