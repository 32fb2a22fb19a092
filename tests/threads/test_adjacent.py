#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ELF labels only where a loader put an object: adjacent_fixture maps
/usr/bin/bash read-only as data right below a malloc chunk, and punches an
anonymous PROT_NONE hole into libm's text.  Neither the chunk nor the hole
may carry an exe.* or lib.* label, nor the data mapping a section's; the
chunk is glibc's (or anon without the memory).  Truth: the addresses the
fixture printed.

Usage: test_adjacent.py MODE   (MODE: mem | nomem)
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402


def labels_in(snap, start, end):
    out = []
    for m in snap['mappings']:
        for r in m['regions']:
            if mt.h(r['start']) < end and start < mt.h(r['end']):
                out.append(r['label'])
    return out


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'mem'
    t = mt.Checker('adjacent-' + mode)
    fixture = os.path.join(os.environ.get('MEMMAP_BUILD', '.'), 'tests', 'threads',
                           'adjacent_fixture')
    if not os.path.exists('/usr/bin/bash'):
        mt.skip('/usr/bin/bash is not there to map')
    with mt.Fixture([fixture]) as fx:
        args = ['--no-mem'] if mode == 'nomem' else []
        snap, rc, err = mt.memmap_json(*(args + [fx.pid]))
        t.eq(rc, 0, 'memmap exit code (stderr: %s)' % err.strip())
        elf = lambda ls: [x for x in ls if x.startswith(('exe.', 'lib.'))]  # noqa: E731
        addr, size = fx.info['data']
        a = mt.h(addr)
        t.eq(elf(labels_in(snap, a, a + int(size))), [], 'bash mapped as data')
        addr, size = fx.info['chunk']
        a = mt.h(addr)
        got = set(labels_in(snap, a, a + int(size)))
        want = {'glibc.mmap-chunk'} if mode == 'mem' else {'glibc.mmap-chunk', 'anon'}
        t.check(got <= want, 'chunk next to the data mapping: %s' % sorted(got))
        if 'hole' in fx.info:
            addr, size = fx.info['hole']
            a = mt.h(addr)
            t.eq(elf(labels_in(snap, a, a + int(size))), [], 'hole in libm\'s text')
    t.done()


if __name__ == '__main__':
    main()
