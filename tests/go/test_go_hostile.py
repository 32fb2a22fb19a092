#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A Go process whose runtime lists loop: memmap must finish, and label no
more than the truth read before the lists were broken.

    test_go_hostile.py TAG FIXDIR

gdb reads the truth from the idle fixture (gdb_truth.py), then makes the
persistentalloc chunk list, the gcBits "next" list and the list of Ms
(allm) point back at themselves (the idle runtime walks none of them).  memmap then runs with a
timeout; its go.* regions must lie inside the truth for their label.

A second idle fixture gets one entry of its first arena's span table
(heapArena.spans[k], a page of an in-use one-page span) pointed at
another in-use span, which does not cover that page: the heap split must
not trust it (that page becomes unknown, not objects).
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402
import test_go  # noqa: E402


def gdb(pid, *cmds):
    argv = ['gdb', '-nx', '-batch', '-iex', 'set auto-load python-scripts off', '-p', str(pid)]
    for c in cmds:
        argv += ['-ex', c]
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=120)
    if p.returncode != 0:
        mt.die('gdb %s: %s' % (cmds, p.stderr[-500:]))


# Run inside gdb: finds, in the first arena's span table, a page k held by
# an in-use one-page span and another in-use span, and points spans[k]
# at the other.  Prints "POINTED k old new" (or "NOSPAN").
REPOINT = r"""
import gdb
inf = gdb.selected_inferior()
f = {x.name: x.bitpos // 8 for x in gdb.lookup_type('runtime.mspan').fields()}
st = f['state']
try:
    idx = int(gdb.parse_and_eval("'runtime.mheap_'.allArenas.array[0]"))
except gdb.error:   # Go 1.26+
    idx = int(gdb.parse_and_eval("'runtime.mheap_'.heapArenas.array[0]"))
arr = int(gdb.parse_and_eval("&(*'runtime.mheap_'.arenas[0])[%d].spans" % idx))
base = idx * (64 << 20) + 0xffff800000000000 - (1 << 64)
words = inf.read_memory(arr, 8192 * 8).tobytes()
spans = [int.from_bytes(words[i * 8:i * 8 + 8], 'little') for i in range(8192)]
def field(p, off, n):
    return int.from_bytes(inf.read_memory(p + off, n).tobytes(), 'little')
def one_page(k):
    p = spans[k]
    return (p and field(p, st, 1) == 1 and field(p, f['npages'], 8) == 1 and
            field(p, f['startAddr'], 8) == (base + k * 8192) % (1 << 64))
ks = [k for k in range(8192) if one_page(k)]
if len(ks) < 2:
    print('NOSPAN')
else:
    k, other = ks[0], spans[ks[-1]]
    inf.write_memory(arr + k * 8, other.to_bytes(8, 'little'))
    print('POINTED %d %d %d' % (k, spans[k], other))
"""


def heap_parts(snap):
    heap = (snap.get('runtime') or {}).get('heap') or {}
    parts = {p['label']: p['bytes'] for p in heap.get('parts', [])}
    return parts, heap.get('unknown')


def check_span_table(t, tag, fixdir):
    """A span-table entry pointing at the wrong span is not trusted."""
    with mt.Fixture([os.path.join(fixdir, tag + '-idle')], timeout=60) as fx:
        before, _, _ = mt.memmap_json(fx.pid, timeout=30)
        p = subprocess.run(['gdb', '-nx', '-batch', '-iex', 'set auto-load python-scripts off',
                            '-p', str(fx.pid), '-ex', 'python\n' + REPOINT + '\nend'],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=120)
        said = [ln.split() for ln in p.stdout.splitlines() if ln.startswith(('POINTED', 'NOSPAN'))]
        if not t.check(said and said[0][0] == 'POINTED', '%s: gdb could not repoint a span '
                       'table entry: %r %s' % (tag, said, p.stderr[-300:])):
            return
        after, rc, err = mt.memmap_json(fx.pid, timeout=30)
    pb, ub = heap_parts(before)
    pa, ua = heap_parts(after)
    if not t.check(ub is not None and ua is not None, '%s: no heap split (%r)' % (tag, err)):
        return
    t.check(ua >= ub + 8192, '%s: the repointed page is not unknown: unknown %d -> %d'
            % (tag, ub, ua))
    t.check(pa['go.heap.objects'] <= pb['go.heap.objects'] - 8192,
            '%s: the repointed page still counts as objects: %d -> %d'
            % (tag, pb['go.heap.objects'], pa['go.heap.objects']))
    t.note('%s: span table entry %s repointed; objects %d -> %d, unknown %d -> %d'
           % (tag, said[0][1], pb['go.heap.objects'], pa['go.heap.objects'], ub, ua))


def main():
    tag, fixdir = sys.argv[1:3]
    t = mt.Checker('go-hostile-' + tag)
    with mt.Fixture([os.path.join(fixdir, tag + '-idle')], timeout=60) as fx:
        truth = test_go.gdb_truth(fx.pid)
        chunk = truth['go.immortal-metadata'][0][0]
        gdb(fx.pid,
            # The first chunk's link points at the first chunk.
            "set var *(unsigned long *)'runtime.persistentChunks' = %d" % chunk,
            "set var *(unsigned long *)%d = %d" % (chunk, chunk),
            # gcBitsArenas.next->next = gcBitsArenas.next
            "set var 'runtime.gcBitsArenas'.next.next = 'runtime.gcBitsArenas'.next",
            # The newest M's link points at itself: allm never ends.
            "set var 'runtime.allm'.alllink = 'runtime.allm'")
        snap, rc, err = mt.memmap_json(fx.pid, timeout=30)
        unions = {k: test_go.merged(v) for k, v in truth.items()}
        n = 0
        for m, r in test_go.go_regions(snap):
            n += 1
            s, e = mt.h(r['start']), mt.h(r['end'])
            t.check(test_go.inside(s, e, unions.get(r['label'], [])),
                    'region %s-%s labelled %s is not in the truth for it' %
                    (r['start'], r['end'], r['label']))
        rs = mt.regions_in(snap, chunk, chunk + 1)
        t.check(rs and rs[0][1]['label'] == 'go.immortal-metadata',
                'the looping chunk %#x is not go.immortal-metadata' % chunk)
        t.note('%d go.* regions, exit %d' % (n, rc))
        rc, out, err = mt.run_memmap('--debug', str(fx.pid), timeout=30)
        t.check('allm not believed (it does not end)' in err and
                'M tid' not in err, 'the looping allm was walked: %r' % err[-600:])
    check_span_table(t, tag, fixdir)
    t.done()


if __name__ == '__main__':
    main()
