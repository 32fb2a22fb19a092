#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Guard pages that guard no stack (MADV_GUARD_INSTALL): guard_fixture
guards two pages inside a 1 MiB malloc and two pages at the top of an
anonymous mapping with a PROT_NONE mapping above.  Truth: the addresses
it printed.  Each guarded page must be `guard` (without memory the
chunk's may stay anon: below anon memory it may guard a stack); the
chunk's other pages stay glibc.mmap-chunk (with memory) and the area's
other pages are not `guard`.  Skipped when the kernel has no MADV_GUARD_INSTALL or pagemap
shows no guard bit.

Usage: test_guard.py MODE   (mem | nomem)
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402


def labels(snap, s, e):
    return sorted({r['label'] for _, r in mt.regions_in(snap, s, e)})


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'mem'
    t = mt.Checker('threads-guard-' + mode)
    fixture = os.path.join(os.environ.get('MEMMAP_BUILD', '.'), 'tests', 'threads',
                           'guard_fixture')
    with mt.Fixture([fixture]) as fx:
        if 'noguard' in fx.info:
            mt.skip('no MADV_GUARD_INSTALL here: %s' % ' '.join(fx.info['noguard']))
        guards = [(mt.h(l[1]), mt.h(l[1]) + int(l[2])) for l in fx.lines if l[0] == 'guard']
        chunk = [(mt.h(l[1]), int(l[2])) for l in fx.lines if l[0] == 'chunk'][0]
        area = [(mt.h(l[1]), int(l[2])) for l in fx.lines if l[0] == 'area'][0]
        # The kernel's own word: pagemap bit 58 on the first guarded page.
        with open('/proc/%d/pagemap' % fx.pid, 'rb') as f:
            f.seek(guards[0][0] // 4096 * 8)
            e = int.from_bytes(f.read(8), 'little')
        if not e & (1 << 58):
            mt.skip('pagemap shows no guard bit on this kernel')
        args = ['--no-mem'] if mode == 'nomem' else []
        snap, rc, err = mt.memmap_json(*(args + [fx.pid]))
        mt.check_snapshot(t, snap, fx.pid)
        # Without memory the chunk is anon, and a guard below anon memory
        # may be a stack's: it may stay anon; the area's has PROT_NONE above.
        t.check(labels(snap, *guards[0]) == ['guard'] or
                (mode == 'nomem' and labels(snap, *guards[0]) == ['anon']),
                'guarded in the chunk %#x-%#x: %s' % (guards[0] + (labels(snap, *guards[0]),)))
        t.eq(labels(snap, *guards[1]), ['guard'], 'guarded in the area %#x-%#x' % guards[1])
        cs = chunk[0] & ~4095
        ce = (chunk[0] + chunk[1] + 4095) & ~4095
        want = ['glibc.mmap-chunk'] if mode == 'mem' else ['anon']
        g0 = guards[0]
        t.eq(labels(snap, cs, g0[0]), want, 'the chunk below its guard')
        t.eq(labels(snap, g0[1], ce), want, 'the chunk above its guard')
        t.check('guard' not in labels(snap, area[0], guards[1][0]),
                'the area below its guard is not guard')
    t.done()


if __name__ == '__main__':
    main()
