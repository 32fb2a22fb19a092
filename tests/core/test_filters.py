#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""core: the table filters and extras (--address, --label, --min-size,
--explain, the BAR column) against what the factory made and /proc/PID/maps.

usage: test_filters.py"""
import fnmatch
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402


def rows(out):
    return [line.split() for line in out.splitlines() if line.strip()]


def address(t, fx):
    maps = mt.proc_maps(fx.pid)
    for key, label in (('anon', 'anon'), ('heap', 'heap'), ('memfd', 'shmem'),
                       ('bss', 'exe.bss'), ('text', 'exe.text')):
        s, e = fx.range(key)
        addr = s + (e - s) // 2
        rc, out, err = mt.run_memmap('--address', '%x' % addr, fx.pid)
        t.eq(rc, 0, '--address %s: exit (%s)' % (key, err.strip()))
        m = [x for x in maps if x['start'] <= addr < x['end']]
        first = [line for line in out.splitlines() if line.startswith('0x')]
        if not t.check(m and first, '--address %s: no answer line in %r' % (key, out)):
            continue
        want = '0x%x: %s' % (addr, label)
        t.check(first[0].startswith(want), '--address %s: %r, want %r...' % (key, first[0], want))
        # The table below holds that mapping only.
        # ADDRESS is the mapping's start (RANGE has start-end).
        tree = [r for r in rows(out) if re.match(r'^[0-9a-f]+$', r[0])]
        t.eq([r[0] for r in tree], ['%x' % m[0]['start']],
             '--address %s: the mapping shown' % key)
    # An unmapped address: exit 1, and the nearest mapping above it.
    rc, out, _ = mt.run_memmap('--address', '1000', fx.pid)
    t.check(rc == 1 and '0x1000: not mapped' in out, 'page 1 is not mapped: %r' % out)
    t.check(re.search(r'(?m)^  above: %x-%x ' % (maps[0]['start'], maps[0]['end']), out),
            'page 1: the nearest mapping above is named: %r' % out)
    # Several addresses: each answered, each mapping shown.
    (s1, e1), (s2, e2) = fx.range('anon'), fx.range('heap')
    rc, out, err = mt.run_memmap('--address', '%x,%x' % (s1, s2), '--address', '1000', fx.pid)
    t.eq(rc, 1, 'three addresses, one unmapped: exit 1 (%s)' % err.strip())
    answers = [line.split(':')[0] for line in out.splitlines() if line.startswith('0x')]
    t.eq(answers, ['0x%x' % s1, '0x%x' % s2, '0x1000'], 'three addresses: three answers')
    tree = [r[0] for r in rows(out) if re.match(r'^[0-9a-f]+$', r[0])]
    t.eq(sorted(tree), sorted(['%x' % s1, '%x' % mt.mapping_start(maps, s2)]),
         'three addresses: the two mappings shown')
    rc, _, err = mt.run_memmap('--address', 'zz', fx.pid)
    t.eq(rc, 64, '--address zz: usage error (%s)' % err.strip())


def labels(t, fx, snap):
    present = [c['label'] for c in snap['categories']]
    for glob in ('exe.*', 'heap,shmem', 'lib.*,anon'):
        rc, out, err = mt.run_memmap('--summary', '-r', '-n', '-o', 'LABEL',
                                     '--label', glob, fx.pid)
        t.eq(rc, 0, '--label %s: exit (%s)' % (glob, err.strip()))
        want = sorted(x for x in present
                      if any(fnmatch.fnmatchcase(x, g) for g in glob.split(',')))
        t.eq(sorted(r[0] for r in rows(out)), want, '--label %s: summary rows' % glob)
    # The tree keeps a mapping when one of its regions matches.
    rc, out, _ = mt.run_memmap('--mappings', '-r', '-n', '-o', 'START,LABEL',
                               '--label', 'exe.bss', fx.pid)
    want = sorted('%x' % mt.h(m['start']) for m in snap['mappings']
                  if any(r['label'] == 'exe.bss' for r in m['regions']))
    got = sorted({r[0] for r in rows(out)})
    t.check(set(want) <= set(got) and want,
            '--label exe.bss: mappings %s, want %s among them' % (got, want))
    # A split mapping's LABEL is "-" in raw output (it holds several).
    t.check(all(len(r) < 2 or r[1] in ('exe.bss', '-') for r in rows(out)),
            '--label exe.bss: only exe.bss labels shown: %r' % rows(out))


def min_size(t, fx):
    maps = mt.proc_maps(fx.pid)
    for size, text in ((1 << 20, '1M'), (8192, '8K'), (4096 * 3, '12288')):
        rc, out, err = mt.run_memmap('--mappings', '-r', '-n', '-b', '-o', 'START,VSZ',
                                     '--min-size', text, fx.pid)
        t.eq(rc, 0, '--min-size %s: exit (%s)' % (text, err.strip()))
        # Top-level rows only: a region row has the START of its mapping's
        # first region, which may repeat; count distinct mappings.
        starts = {int(r[0], 16) for r in rows(out)}
        big = {m['start'] for m in maps if m['end'] - m['start'] >= size}
        t.eq(starts & {m['start'] for m in maps}, big, '--min-size %s: mappings kept' % text)
    rc, _, err = mt.run_memmap('--min-size', 'lots', fx.pid)
    t.eq(rc, 64, '--min-size lots: usage error (%s)' % err.strip())


def explain(t, fx, snap):
    rc, out, err = mt.run_memmap('--explain', fx.pid)
    t.eq(rc, 0, '--explain: exit (%s)' % err.strip())
    said = set(re.findall(r'^  ([a-z.-]+): ', out, re.M))
    t.eq(said, {c['label'] for c in snap['categories']},
         '--explain: one sentence per label present')
    # Words this process's numbers could contradict are not said.
    said = dict(re.findall(r'^  ([a-z.-]+): (.*)$', out, re.M))
    t.check('main arena' not in said.get('heap', ''),
            '--explain: the brk heap\'s allocator is not guessed: %r' % said.get('heap'))
    t.check(re.search(r'PSS \S+ of RSS \S+', said.get('shmem', '')),
            '--explain: shared memory against the PSS column: %r' % said.get('shmem'))
    for lbl in ('exe.relro', 'lib.relro'):
        if lbl in said and 'still writable' not in said[lbl]:
            w = [m for m in snap['mappings'] if m['perms'][1] == 'w' and
                 any(r['label'] == lbl for r in m['regions'])]
            t.check(not w, '--explain: %s is writable here, yet said read-only' % lbl)
    rc, _, _ = mt.run_memmap('--explain', '-J', fx.pid)
    t.eq(rc, 64, '--explain with -J is a usage error')


def bars(t, fx, snap):
    rc, out, err = mt.run_memmap('--summary', '--color=never', fx.pid,
                                 env={'LC_ALL': 'C.UTF-8'})
    t.eq(rc, 0, 'summary with bars: exit (%s)' % err.strip())
    lines = [line for line in out.splitlines() if re.match(r'^[a-z][a-z.-]* ', line)]
    head = [line for line in out.splitlines() if line.startswith('LABEL')]
    t.check(head and head[0].rstrip().endswith('BAR'), 'BAR is the last default column')
    top = max(snap['categories'], key=lambda c: c['rss'])
    row = [line for line in lines if line.split()[0] == top['label']]
    t.check(row and '█' * 16 in row[0],
            'the label with most RSS (%s) has the full bar: %r' % (top['label'], row))
    for line in lines:
        label = line.split()[0]
        cat = [c for c in snap['categories'] if c['label'] == label]
        if cat and cat[0]['rss'] == 0 and cat[0]['reserved'] == 0:
            t.check(not re.search('[█▏▎▍▌▋▊▉░]', line),
                    '%s has nothing resident or reserved, yet a bar: %r' % (label, line))
    rc, out, _ = mt.run_memmap('--summary', '-r', fx.pid)
    t.check('BAR' not in out.splitlines()[0], 'raw output has no BAR column')


def main():
    t = mt.Checker('core-filters')
    factory = os.environ.get('MEMMAP_FACTORY') or mt.die('MEMMAP_FACTORY unset')
    with mt.Fixture([factory]) as fx:
        snap, _, _ = mt.memmap_json(fx.pid)
        address(t, fx)
        labels(t, fx, snap)
        min_size(t, fx)
        explain(t, fx, snap)
        bars(t, fx, snap)
    t.done()


if __name__ == '__main__':
    main()
