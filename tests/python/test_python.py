#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""CPython's own mmaps, checked against what the target says about itself
(py_arenas.py): every small object's address (id()) lies in a python.arena
region; the arenas labelled are as many, as large and as often unaligned as
sys._debugmallocstats() counts; each thread's running frame (PyFrameObject
.f_frame) lies in a python.datastack region naming that thread; coverage of
VSZ and RSS is at least 99%; the target's RssAnon is the same after memmap
(no page faulted in by reading).  With --no-mem, or from a captured /proc tree,
nothing is read from memory, so none of that memory may carry a label (it
stays anon).

argv: MODE (mem | nomem | captured: a copy of the target's /proc tree |
debug: mem with PYTHONMALLOC=pymalloc_debug | malloc: PYTHONMALLOC=malloc,
no arena anywhere) [PYTHON]; PYTHON defaults to Debian's python3.11;
pyenv:3.X means pyenv's 3.X (skipped when pyenv has none).
"""

import array
import bisect
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'threads'))
from test_threads import copy_tree  # noqa: E402

ARENA_SIZE = 1 << 20
POOL_SIZE = 16 << 10


def region_index(snap):
    """Sorted (start, end, label, detail) of every region."""
    rs = []
    for m in snap['mappings']:
        for r in m['regions']:
            rs.append((mt.h(r['start']), mt.h(r['end']), r['label'],
                       r.get('detail')))
    rs.sort()
    return rs


def region_of(rs, starts, addr):
    i = bisect.bisect_right(starts, addr) - 1
    if i >= 0 and rs[i][0] <= addr < rs[i][1]:
        return rs[i]
    return None


def arenas_labelled(rs):
    """{detail: [start, end)} of python.arena runs, contiguous ones joined
    (the kernel may split an arena across mappings)."""
    out = {}
    for s, e, label, detail in rs:
        if label != 'python.arena':
            continue
        if detail in out and out[detail][1] == s:
            out[detail][1] = e
        elif detail in out:
            out[detail + ' (again)'] = [s, e]
        else:
            out[detail] = [s, e]
    return out


def mallocstats(path):
    with open(path) as f:
        text = f.read()
    want = {}
    for key, pat in (('current', r'# arenas allocated current\s*=\s*([\d,]+)'),
                     ('per_arena', r'arenas \*\s*([\d,]+) bytes/arena'),
                     ('lost', r'# bytes lost to arena alignment\s*=\s*([\d,]+)')):
        m = re.search(pat, text)
        if not m:
            mt.die('%s: no %r in sys._debugmallocstats()' % (path, pat))
        want[key] = int(m.group(1).replace(',', ''))
    return want


def pyenv_python(minor):
    """pyenv's newest 3.MINOR.* interpreter (built with libpython3.MINOR.so),
    or a path that does not exist."""
    root = os.path.join(os.environ.get('PYENV_ROOT') or
                        os.path.expanduser('~/.pyenv'), 'versions')
    try:
        vs = [v for v in os.listdir(root) if re.fullmatch(re.escape(minor) + r'\.\d+', v)]
    except OSError:
        vs = []
    if not vs:
        return os.path.join(root, minor + '.*', 'bin', 'python3')
    v = max(vs, key=lambda v: [int(x) for x in v.split('.')])
    return os.path.join(root, v, 'bin', 'python3')


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'mem'
    python = sys.argv[2] if len(sys.argv) > 2 else '/usr/bin/python3.11'
    if python.startswith('pyenv:'):
        python = pyenv_python(python[6:])
    if not os.access(python, os.X_OK):
        mt.skip('%s: not installed' % python)
    t = mt.Checker('python-%s' % mode)
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'py_arenas.py')
    tmp = tempfile.mkdtemp(prefix='memmap-python-')
    try:
        env = {'debug': {'PYTHONMALLOC': 'pymalloc_debug'},
               'malloc': {'PYTHONMALLOC': 'malloc'}}.get(mode, {})
        with mt.Fixture([python, script, tmp], timeout=60, env=env) as fx:
            pid = fx.pid
            args = ['--no-mem'] if mode == 'nomem' else []
            if mode == 'captured':
                root = os.path.join(tmp, 'proc')
                copy_tree(pid, root)
                args = ['--proc-root', root]
            before = mt.proc_status(pid)
            snap, rc, err = mt.memmap_json(*args, pid)
            after = mt.proc_status(pid)
            # Reading the target never faults a page in: its idle RSS stays.
            t.eq(after.get('RssAnon'), before.get('RssAnon'),
                 'target RssAnon before and after memmap')
            t.eq(rc, 0, 'memmap exit code (stderr: %s)' % err.strip())
            if mode == 'captured':
                mt.check_sorted(t, snap)
                mt.check_tiling(t, snap)
                mt.check_categories(t, snap)
            else:
                mt.check_snapshot(t, snap, pid)
            ids = array.array('Q')
            with open(fx.info['ids'][0], 'rb') as f:
                ids.frombytes(f.read())
            t.eq(len(ids), int(fx.info['ids'][1]), 'object addresses read')
            frames = [(int(l[1]), mt.h(l[2])) for l in fx.lines if l[0] == 'frame']
            version = tuple(int(v) for v in fx.info['version'])
            # The runtime the header and JSON name: the target's own version.
            rt = snap.get('runtime') or {}
            if mode in ('nomem', 'captured'):
                t.eq(rt.get('lang'), None, 'no python runtime named without memory')
            else:
                t.eq((rt.get('lang'), rt.get('version')),
                     ('python', '%d.%d' % version[:2]), 'runtime')
            if version >= (3, 11):
                t.eq(len(frames), 6, 'frames the target reported (4 threads, main, '
                     'one deep)')
            want = mallocstats(fx.info['stats'][0]) if mode != 'malloc' else {}
            # pymalloc's pools: 16 KiB since 3.10, a page before.
            want['pool'] = POOL_SIZE if version >= (3, 10) else 4096
            check(t, mode, snap, ids, frames, want)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


def check(t, mode, snap, ids, frames, want):
    rs = region_index(snap)
    starts = [r[0] for r in rs]
    if mode in ('nomem', 'captured'):
        labels = {r[2] for r in rs}
        t.check(not any(l.startswith('python.') for l in labels),
                'python.* labels without reading memory: %s' % sorted(labels))
        wrong = {}
        for a in ids:
            r = region_of(rs, starts, a)
            if not r or r[2] != 'anon':
                wrong.setdefault(r[2] if r else None, a)
        t.check(not wrong, 'objects in memory labelled other than anon with '
                '%s: %s' % (mode, {k: hex(v) for k, v in wrong.items()}))
        for tid, addr in frames:
            r = region_of(rs, starts, addr)
            t.check(r and r[2] == 'anon', 'thread %d frame %#x: %s with %s'
                    % (tid, addr, r and r[2], mode))
        return

    if mode == 'malloc':
        # No pymalloc: objects come from glibc malloc, and no arena exists.
        inside = [a for a in ids if (region_of(rs, starts, a) or (0, 0, None))[2]
                  == 'python.arena']
        t.check(not inside, '%d objects in python.arena with PYTHONMALLOC=malloc'
                % len(inside))
        t.check(not any(r[2] == 'python.arena' for r in rs),
                'python.arena regions with PYTHONMALLOC=malloc')
    else:
        check_arenas(t, mode, rs, starts, ids, want)
    check_frames(t, rs, starts, frames)
    cov = snap.get('coverage') or {}
    t.note('coverage vsz %.4f rss %.4f' % (cov.get('vsz', 0), cov.get('rss', 0)))
    t.check(cov.get('vsz', 0) >= 0.99, 'VSZ coverage %s < 0.99' % cov.get('vsz'))
    t.check(cov.get('rss', 0) >= 0.99, 'RSS coverage %s < 0.99' % cov.get('rss'))


def check_arenas(t, mode, rs, starts, ids, want):
    # Every small object lies in an arena.
    outside = [a for a in ids if (region_of(rs, starts, a) or (0, 0, None))[2]
               != 'python.arena']
    t.check(not outside, '%d of %d objects outside python.arena, first %s' %
            (len(outside), len(ids), [hex(a) for a in outside[:5]]))

    arenas = arenas_labelled(rs)
    t.eq(len(arenas), want['current'], 'python.arena regions (arenas allocated now)')
    unaligned = sum(1 for s, e in arenas.values() if s % want['pool'])
    if mode == 'debug':
        # The debug hooks hide the arena table (its malloc block has a
        # header of theirs): arenas are known from their pools only, so a
        # run may be short of the arena but never longer, and a whole
        # 1 MiB run is only right for an arena on a pool boundary.
        for detail, (s, e) in sorted(arenas.items(), key=lambda kv: kv[1]):
            t.check(e - s <= want['per_arena'] and
                    (e - s < want['per_arena'] or s % want['pool'] == 0),
                    'arena %s at %#x-%#x: longer than an arena' % (detail, s, e))
        short = sum(1 for s, e in arenas.values() if e - s < want['per_arena'])
        t.check(short * want['pool'] >= want['lost'], 'fewer short arenas (%d) '
                'than arenas off a pool boundary (%d bytes lost)' % (short, want['lost']))
    else:
        for detail, (s, e) in sorted(arenas.items(), key=lambda kv: kv[1]):
            t.eq(e - s, want['per_arena'], 'arena %s at %#x size' % (detail, s))
        # An arena mmap'd off a pool boundary loses a pool: the count of
        # those tells whether each start is the arena's own.
        t.eq(unaligned * want['pool'], want['lost'], 'bytes lost to arena alignment')
    with_objects = set()
    for a in ids:
        r = region_of(rs, starts, a)
        if r:
            with_objects.add(r[3])
    t.note('%d arenas, %d holding the test objects, %d unaligned'
           % (len(arenas), len(with_objects), unaligned))



def check_frames(t, rs, starts, frames):
    # Each thread's running frames lie in its own datastack chunks; the
    # thread 400 calls deep has frames further apart than a first chunk is
    # long (16 KiB): the outer one is reached only through `previous`.
    spans = {}
    for tid, addr in frames:
        lo, hi = spans.get(tid, (addr, addr))
        spans[tid] = (min(lo, addr), max(hi, addr))
    if frames:
        t.check(max(hi - lo for lo, hi in spans.values()) > (16 << 10),
                'no thread with frames more than a chunk apart: %s' % spans)
    for tid, addr in frames:
        r = region_of(rs, starts, addr)
        if t.check(r and r[2] == 'python.datastack', 'thread %d frame %#x: %s, '
                   'not python.datastack' % (tid, addr, r and r[2])):
            t.eq(r[3], 'tid %d' % tid, 'thread %d datastack detail' % tid)
            t.check((r[1] - r[0]) % (16 << 10) == 0,
                    'thread %d datastack %#x-%#x: not 16 KiB chunks' % (tid, r[0], r[1]))


if __name__ == '__main__':
    main()
