#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""core: piped tables of printable ASCII are printed by memmap itself, not
by libsmartcols (issue 16: its per-character width work was most of what
the tree cost).  The truth is libsmartcols: every view, run twice, once as
usual and once with MEMMAP_TABLE=smartcols, must print the same bytes.
Each process is read live once (the runtimes' structures; no residency
columns) and from a captured /proc tree (--proc-root: smaps, status, maps, comm, exe),
whose numbers cannot move between the two runs as PSS does on a busy
machine.  The mapping tree is also printed by memmap on a terminal when
it fits (colours, names that need no cutting): the tree views run on a
pty of several widths, coloured and not, compared the same way.

usage: test_plain.py [GO_IDLE_BINARY]"""
import fcntl
import os
import pty
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

VIEWS = [
    [],
    ['--mappings'],
    ['--mappings', '-n'],
    ['--mappings', '-u'],
    ['--mappings', '-b', '-s', 'rss'],
    ['--mappings', '-o', 'name,label,how,vsz,rss'],
    ['--mappings', '-o', 'range,perms,offset,dev,inode,label,anon,dirty'],
    ['--mappings', '-o', 'start,end,uss,name,address'],
    ['--mappings', '-r'],
    ['--mappings', '-P'],
    ['--mappings', '--label', 'lib.*,heap'],
    ['--summary'],
    ['--summary', '-P'],
    ['--summary', '-o', '+dirty,count'],
    ['--summary', '-o', 'count,label,rss,%rss'],
    ['-r'],
    ['-P'],
    ['-n'],
]
LIVE = ['--mappings', '-o', 'address,perms,vsz,label,how,name']
# The tree art and BAR differ by locale: UTF-8 (├─, █) and ASCII (|-, #).
LOCALES = ['C.UTF-8', 'C']
# On a terminal: the tree views, at widths where every name fits and
# where some are cut or the columns do not fit (then libsmartcols prints).
PTY_VIEWS = [v for v in VIEWS if v[:1] == ['--mappings'] and '-r' not in v and '-P' not in v]
PTY_COLUMNS = [160, 100, 60]


def capture(pid, root):
    """A captured /proc tree of pid under root."""
    d = os.path.join(root, str(pid))
    os.makedirs(d)
    for f in ('smaps', 'status', 'comm', 'maps'):
        with open('/proc/%d/%s' % (pid, f), 'rb') as src, \
                open(os.path.join(d, f), 'wb') as dst:
            dst.write(src.read())
    os.symlink(os.readlink('/proc/%d/exe' % pid), os.path.join(d, 'exe'))


def run_pair(args, loc):
    """memmap args as usual and with libsmartcols: (rc, out, err) each."""
    env = {'NO_COLOR': None, 'LC_ALL': loc, 'MEMMAP_TABLE': None}
    first = mt.run_memmap(*args, env=env, binary=True)
    env['MEMMAP_TABLE'] = 'smartcols'
    return first, mt.run_memmap(*args, env=env, binary=True)


def run_pty(args, env, columns):
    """memmap args with stdout and stderr on a pty of 50 rows and columns
    columns: (rc, everything it printed)."""
    e = dict(os.environ)
    for k, v in env.items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 50, columns, 0, 0))
    out = []

    def drain():
        try:
            while True:
                d = os.read(master, 65536)
                if not d:
                    break
                out.append(d)
        except OSError:		# EIO once the last slave fd is closed
            pass
    th = threading.Thread(target=drain, daemon=True)
    th.start()
    p = subprocess.Popen([mt.memmap_path()] + [str(a) for a in args],
                         stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=e)
    os.close(slave)
    try:
        rc = p.wait(timeout=120)
    finally:
        th.join(30)
        os.close(master)
    return rc, b''.join(out)


def check_same(t, name, out1, out2, printed):
    """The direct printer's bytes (out1) are libsmartcols' (out2); when
    not, the first line that differs."""
    if out1 == out2:
        t.check(printed, name + ': nothing printed')
        return
    a, b = out1.split(b'\n'), out2.split(b'\n')
    diff = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]),
                min(len(a), len(b)))
    t.fail('%s: differs from libsmartcols at line %d: %r, libsmartcols %r'
           % (name, diff + 1, a[diff] if diff < len(a) else None,
              b[diff] if diff < len(b) else None))


def compare_pty(t, what, pid, root, views, locales):
    """The tree on a pty, both printers: the same bytes, coloured and not."""
    for loc in locales:
        for columns in PTY_COLUMNS:
            for color in (None, '1'):
                for view in views:
                    env = {'NO_COLOR': color, 'LC_ALL': loc, 'MEMMAP_TABLE': None,
                           'COLUMNS': None, 'LINES': None}
                    args = ['--proc-root', root] + view + [pid]
                    name = '%s (captured, pty %d columns%s), LC_ALL=%s, memmap %s' % (
                        what, columns, ', NO_COLOR' if color else '', loc, ' '.join(view))
                    rc1, out1 = run_pty(args, env, columns)
                    env['MEMMAP_TABLE'] = 'smartcols'
                    rc2, out2 = run_pty(args, env, columns)
                    t.eq(rc1, rc2, name + ': exit codes')
                    check_same(t, name, out1, out2, b'\n' in out1)


def compare(t, what, pid, views, locales, pty_views=None):
    """Each view, both printers: the same bytes, from the captured tree;
    live, the tree without residency columns."""
    root = tempfile.mkdtemp(prefix='memmap-plain-')
    try:
        capture(pid, root)
        # Live, the labels the runtimes' structures gave, without the
        # residency a busy machine moves between two runs (PSS).
        compare_views(t, what, pid, [LIVE], locales[:1], [])
        compare_views(t, what + ' (captured)', pid, views, locales,
                      ['--proc-root', root])
        if pty_views:
            compare_pty(t, what, pid, root, pty_views, locales)
    finally:
        shutil.rmtree(root)


def compare_views(t, what, pid, views, locales, pre):
    """A live process may change between two runs (a page faulted in, PSS
    as other processes come and go): a differing pair is run again, up to
    five times; a printer's fault differs every time."""
    for loc in locales:
        for view in views:
            name = '%s, LC_ALL=%s, memmap %s' % (what, loc, ' '.join(view))
            for attempt in range(5):
                (rc1, out1, err1), (rc2, out2, err2) = run_pair(pre + view + [pid], loc)
                if not pre:
                    # Live, the tree's closing total line carries PSS,
                    # which other processes move between the two runs.
                    out1, out2 = (b'\n'.join(x for x in o.split(b'\n')
                                              if not x.startswith(b'total '))
                                  for o in (out1, out2))
                if rc1 == rc2 and out1 == out2:
                    break
            t.eq(rc1, rc2, name + ': exit codes (stderr %r, %r)' % (err1, err2))
            check_same(t, name, out1, out2, len(out1) > 0)


def main():
    t = mt.Checker('core-table-plain')
    factory = os.environ.get('MEMMAP_FACTORY') or mt.die('MEMMAP_FACTORY unset')
    go = sys.argv[1] if len(sys.argv) > 1 else None

    with mt.Process(['sleep', '1000']) as fx:
        compare(t, 'sleep', fx.pid, VIEWS, LOCALES)
    with mt.Fixture([factory]) as fx:
        compare(t, 'factory', fx.pid, VIEWS, LOCALES, PTY_VIEWS)
    with mt.Fixture([factory, '--many', 5000]) as fx:
        # Over 2,048 mappings the tree is printed in chunks, widths given.
        compare(t, 'factory --many 5000', fx.pid,
                [[], ['--mappings'], ['--mappings', '-o', 'name,label,how,vsz,rss'],
                 ['--mappings', '-n']], LOCALES, [['--mappings']])
    with mt.Process(['python3', '-c', 'import time; time.sleep(1000)']) as fx:
        compare(t, 'python3', fx.pid, VIEWS, LOCALES[:1])
    if go and os.access(go, os.X_OK):
        with mt.Fixture([go], timeout=60) as fx:
            compare(t, 'go idle', fx.pid, VIEWS, LOCALES[:1])
    else:
        t.note('no Go fixture built (no toolchain): Go not compared')
    t.done()


if __name__ == '__main__':
    main()
