#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A Go process whose runtime lists loop: memmap must finish, and label no
more than the truth read before the lists were broken.

    test_go_hostile.py TAG FIXDIR

gdb reads the truth from the idle fixture (gdb_truth.py), then makes the
persistentalloc chunk list and the gcBits "next" list point back at
themselves (the idle runtime walks neither).  memmap then runs with a
timeout; its go.* regions must lie inside the truth for their label.
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
            "set var 'runtime.gcBitsArenas'.next.next = 'runtime.gcBitsArenas'.next")
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
    t.done()


if __name__ == '__main__':
    main()
