#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""reliability: a mapped file whose path is very long does not make the
process unreadable.  The kernel prints the whole path in maps and smaps
however deep it is, so a line can be any length.

  live      a process maps a file 1,100 directories of 250 bytes deep (a
            276 KB smaps line): memmap reads it (exit 0 or 1), with the
            path /proc/PID/maps has, labelled `file`
  captured  a captured tree whose one path is 17 MiB: the line is cut at
            16 MiB with a warning, exit 1, the mapping and the next one
            still read

usage: test_longpath.py [live|captured|all]"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

DEPTH = 1100

# Maps a file DEPTH directories deep (made with *at() calls: no path that
# long ever goes to the kernel) and waits.
TARGET = r'''
import mmap, os, sys, time
fd = os.open(sys.argv[1], os.O_DIRECTORY)
for i in range(int(sys.argv[2])):
    os.mkdir('d' * 250, dir_fd=fd)
    nfd = os.open('d' * 250, os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = nfd
f = os.open('file', os.O_RDWR | os.O_CREAT, 0o644, dir_fd=fd)
os.write(f, b'x' * 8192)
m = mmap.mmap(f, 8192)
print('ready', flush=True)
while True:
    time.sleep(100)
'''


def live(t):
    with tempfile.TemporaryDirectory(prefix='memmap-long.') as d:
        try:
            with mt.Fixture([sys.executable, '-c', TARGET, d, DEPTH],
                            timeout=60) as fx:
                maps = [m for m in mt.proc_maps(fx.pid)
                        if m['path'] and m['path'].endswith('/file')]
                if not t.check(len(maps) == 1, 'live: the deep mapping in '
                               '/proc/PID/maps'):
                    return
                want = maps[0]
                t.note('path of %d bytes' % len(want['path']))
                rc, out, err = mt.run_memmap('-J', fx.pid)
                t.check(rc in (0, 1), 'live: exit %d (stderr %r)' % (rc, err[:300]))
                if rc not in (0, 1):
                    return
                snap = json.loads(out)
                mt.check_snapshot(t, snap, fx.pid)
                m = mt.mapping_at(snap, want['start'])
                t.check(m and m['path'] == want['path'],
                        'live: the path as maps has it (%d bytes)' %
                        len(m['path'] if m else ''))
                t.check(m and [r['label'] for r in m['regions']] == ['file'],
                        'live: labelled file')
                rc, out, err = mt.run_memmap('--mappings', fx.pid)
                t.check(rc in (0, 1) and 'dddd' in out,
                        'live: the table: exit %d (stderr %r)' % (rc, err[:300]))
        finally:
            # GNU rm walks any depth (shutil.rmtree recurses in Python).
            subprocess.run(['rm', '-rf', d], check=False)
            os.makedirs(d, exist_ok=True)


def captured(t):
    with tempfile.TemporaryDirectory(prefix='memmap-long.') as root:
        d = os.path.join(root, '4242')
        os.makedirs(d)
        path = '/' + 'p' * (17 << 20)
        with open(os.path.join(d, 'smaps'), 'w') as f:
            for start, p in ((0x10000, path), (0x20000, '/bin/true')):
                f.write('%x-%x r--p 00000000 00:00 7 %s\n' % (start, start + 0x1000, p))
                f.write('Size: 4 kB\nRss: 4 kB\nVmFlags: rd mr mw me\n')
        with open(os.path.join(d, 'comm'), 'w') as f:
            f.write('captured\n')
        snap, rc, err = mt.memmap_json('--proc-root', root, '4242')
        t.eq(rc, 1, 'captured: exit code (stderr %r)' % err[:300])
        starts = [mt.h(m['start']) for m in snap['mappings']]
        t.eq(starts, [0x10000, 0x20000], 'captured: both mappings read')
        cut = snap['mappings'][0]['path'] if snap['mappings'] else ''
        t.check(cut.startswith('/ppp') and (16 << 20) - 100 < len(cut) <= (16 << 20),
                'captured: the path cut near 16 MiB (%d bytes)' % len(cut))
        t.check(any('smaps line 1 is longer than 16 MiB' in w
                    for w in snap['warnings']),
                'captured: warning (%r)' % [w[:100] for w in snap['warnings']])


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else 'all'
    t = mt.Checker('reliability-longpath-' + which)
    if which in ('live', 'all'):
        live(t)
    if which in ('captured', 'all'):
        captured(t)
    t.done()


if __name__ == '__main__':
    main()
