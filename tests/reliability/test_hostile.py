#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""reliability: a target's own memory is hostile input (#19 findings 4, 8,
10).  Each case is a process that builds the structure in its own memory
(tests/fixtures/hostile_memory.c, py_selfloop.py); the truths are /proc's
own smaps and what the fixture printed.  memmap must finish (well inside the
test's timeout: before the fixes these ran for minutes, or, by estimate,
weeks), read nothing that was not in RAM, and take no label from a
structure that failed its checks.

  filepage  ld.so's link_map list leads into a file page never touched:
            its mapping's Rss (smaps) stays 0 (before: 0 -> 8 kB)
  chunks    64 MiB of fake mmap'd-chunk headers no chain of which reaches
            the run's end: no glibc.mmap-chunk there (before: the search
            tried a chain from every page, > 60 s; the review: 6 min)
  ldlist    2000 forged thread descriptors whose blocks all claim the
            whole address space: no thread.stack by `runtime`, a warning,
            exit 1 (before: 2003 regions thread.stack, 17 s)
  fakeheap  a 64 MiB-aligned block shaped like a first malloc heap, its
            heap_info's ar_ptr right after it, whose arena's ring of
            arenas never passes main_arena: not glibc.arena; the real
            heap of a thread's arena (where its malloc returned) stays
            glibc.arena by runtime (before: both glibc.arena by runtime)
  badchunk  a thread's real arena heap one of whose chunks claims 1 GiB:
            the chunk sizes do not sum to the top chunk, so a warning,
            exit 1 and no glibc.arena there (before: glibc.arena by
            runtime, exit 0)
  fakepools CPython with valid-looking pool headers in an mmap of its own
            that name arenas the arena table does not place there (an
            unused index, one past the table): no python.arena there
            (before: python.arena by runtime, "arena 9"); a real
            object's arena stays python.arena by runtime
  fakepools-collide  the same, one run also naming a real arena's index
            (0): the real object's arena stays python.arena (before: no
            python.arena anywhere)
  godata    CPython maps a Go binary as data (once its first PT_LOAD as
            a loader would): the runtime stays python, its python.arena
            labels stay, no go.* label (before: "go go1.24.4", garbage
            memstats, no python label)
  pyloop    CPython's thread-state list and frame-stack chunk loop onto
            themselves: a warning, exit 1, no python.datastack (before:
            > 60 s)

usage: test_hostile.py filepage|chunks|ldlist|godata|pyloop|fakeheap|badchunk|fakepools|
       fakepools-collide"""
import glob
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

TIMEOUT = 45	# seconds for one memmap run; before the fixes: minutes


def fixture():
    p = os.environ.get('MEMMAP_HOSTILE')
    if not p or not os.access(p, os.X_OK):
        mt.die('MEMMAP_HOSTILE is not set or not executable')
    return p


def smaps_rss(pid, start):
    """Rss in bytes of the mapping starting at start, from smaps."""
    want = '%x-' % start
    with open('/proc/%d/smaps' % pid) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(want):
            for l2 in lines[i + 1:]:
                if l2.startswith('Rss:'):
                    return int(l2.split()[1]) * 1024
    mt.die('no mapping at %x in smaps' % start)


def labels_in(snap, start, end):
    """(label, how) of every region overlapping [start, end)."""
    out = []
    for m in snap['mappings']:
        for r in m['regions']:
            if mt.h(r['start']) < end and mt.h(r['end']) > start:
                out.append((r['label'], r.get('how')))
    return out


def run(t, pid, want_rc):
    try:
        snap, rc, err = mt.memmap_json(pid, ok_rcs=(0, 1), timeout=TIMEOUT)
    except mt.subprocess.TimeoutExpired:
        t.fail('memmap still running after %d s' % TIMEOUT)
        return None, ''
    t.eq(rc, want_rc, 'exit code (stderr %r)' % err.strip())
    mt.check_snapshot(t, snap, pid)
    return snap, err


def filepage(t):
    with tempfile.TemporaryDirectory() as d, mt.Fixture([fixture(), 'filepage', d]) as fx:
        s, e = fx.range('file')
        t.eq(smaps_rss(fx.pid, s), 0, 'the file page before memmap')
        run(t, fx.pid, 0)
        t.eq(smaps_rss(fx.pid, s), 0, 'the file page after memmap (read-only promise)')


def chunks(t):
    with mt.Fixture([fixture(), 'chunks']) as fx:
        s, e = fx.range('chunks')
        snap, _ = run(t, fx.pid, 0)
        if snap:
            got = sorted(set(x for x in labels_in(snap, s, e) if x[0] != 'anon'))
            t.eq(got, [], 'labels in the run of fake headers')


def ldlist(t):
    with mt.Fixture([fixture(), 'ldlist']) as fx:
        s, e = fx.range('run')
        snap, err = run(t, fx.pid, 1)
        if snap:
            forged = [r for m in snap['mappings'] for r in m['regions']
                      if (r['label'], r.get('how')) == ('thread.stack', 'runtime')]
            t.eq(len(forged), 0, 'thread.stack regions by runtime (forged descriptors)')
            t.eq(len([x for x in labels_in(snap, s, e) if x[0] != 'anon']), 0,
                 'regions not anon in the run of small mappings')
            t.check(any('descriptors do not agree' in w for w in snap['warnings']),
                    'a warning names the descriptors: %r' % snap['warnings'])


def fakeheap(t):
    with mt.Fixture([fixture(), 'fakeheap']) as fx:
        fs, fe = fx.range('fake')
        rs, re_ = fx.range('real')
        snap, _ = run(t, fx.pid, 0)
        if snap:
            t.eq(sorted(set(x for x in labels_in(snap, fs, fe) if x[0] == 'glibc.arena')), [],
                 'glibc.arena in the fake heap')
            t.eq(sorted(set(labels_in(snap, rs, re_))), [('glibc.arena', 'runtime')],
                 'labels of the real arena heap')


def badchunk(t):
    with mt.Fixture([fixture(), 'badchunk']) as fx:
        s, e = fx.range('heap')
        snap, _ = run(t, fx.pid, 1)
        if snap:
            t.eq(sorted(set(x for x in labels_in(snap, s, e) if x[0] == 'glibc.arena')), [],
                 'glibc.arena in the heap with a bad chunk')
            t.check(any('%#x' % s in w and 'chunk sizes' in w for w in snap['warnings']),
                    'a warning names the heap: %r' % snap['warnings'])


def pyloop(t):
    python = '/usr/bin/python3'
    if not os.access(python, os.X_OK):
        mt.skip('no /usr/bin/python3')
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'py_selfloop.py')
    with mt.Fixture([python, script]) as fx:
        t.check(fx.info.get('chunk', ['none'])[0] != 'none',
                'the script found its frame-stack chunk')
        snap, err = run(t, fx.pid, 1)
        if snap:
            t.eq(len([r for m in snap['mappings'] for r in m['regions']
                      if r['label'] == 'python.datastack']), 0, 'python.datastack regions')
            t.check(any('a list loops' in w for w in snap['warnings']),
                    'a warning says the list loops: %r' % snap['warnings'])


def fakepools(t, indices='9,7777'):
    python = '/usr/bin/python3'
    if not os.access(python, os.X_OK):
        mt.skip('no /usr/bin/python3')
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'py_fakepools.py')
    with mt.Fixture([python, script, indices]) as fx:
        fs, fe = fx.range('fake')
        obj = mt.h(fx.info['object'][0])
        snap, _ = run(t, fx.pid, 0)
        if snap:
            t.eq(sorted(set(x for x in labels_in(snap, fs, fe) if x[0] == 'python.arena')), [],
                 'python.arena in the fake pools')
            t.eq(labels_in(snap, obj, obj + 1), [('python.arena', 'runtime')],
                 'the label of a real object')


def first_load(path):
    """The file size of the first PT_LOAD, by readelf."""
    out = mt.subprocess.run(['readelf', '-lW', path], capture_output=True, text=True,
                            check=True).stdout
    for line in out.splitlines():
        w = line.split()
        if w and w[0] == 'LOAD':
            return int(w[4], 16)
    mt.die('%s: no PT_LOAD' % path)


def godata(t):
    python = '/usr/bin/python3'
    gos = sorted(glob.glob(os.path.join(os.environ.get('MEMMAP_BUILD', ''), 'tests', 'go',
                                        'go1.*-idle')))
    if not os.access(python, os.X_OK) or not gos:
        mt.skip('no /usr/bin/python3 or no Go fixture built')
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'py_mapgo.py')
    with mt.Fixture([python, script, gos[0], hex(first_load(gos[0]))]) as fx:
        snap, err = run(t, fx.pid, 0)
        if snap:
            t.eq((snap.get('runtime') or {}).get('lang'), 'python', 'the runtime announced')
            labels = set(r['label'] for m in snap['mappings'] for r in m['regions'])
            t.check('python.arena' in labels, 'python.arena labels kept: %r' % sorted(labels))
            t.eq(sorted(x for x in labels if x.startswith('go.')), [], 'go.* labels')


def main():
    cases = {'godata': godata, 'filepage': filepage, 'chunks': chunks, 'ldlist': ldlist, 'pyloop': pyloop,
             'fakeheap': fakeheap, 'badchunk': badchunk, 'fakepools': fakepools,
             'fakepools-collide': lambda t: fakepools(t, '0,9,7777')}
    if len(sys.argv) != 2 or sys.argv[1] not in cases:
        mt.die(__doc__.rsplit('usage: ', 1)[1])
    t = mt.Checker('reliability-hostile-' + sys.argv[1])
    cases[sys.argv[1]](t)
    t.done()


main()
