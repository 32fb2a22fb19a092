#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""measure_threads.py: bytes right, anon and wrong for what threads_fixture
made (each stack, guard, arena heap, mmap'd chunk, by the addresses it
printed), per glibc and mode; with musl (built by musl-gcc, dynamic or
static), each live thread's stack and guard and each large malloc's
mallocng group.  Not a test: a table for reports.

Usage: measure_threads.py [SUITEDIR|static|system|musl|musl-static|musl-static-stripped]...
  (run from the source tree, MEMMAP and MEMMAP_BUILD set as for the tests)
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402
import test_threads as tt  # noqa: E402
import test_musl  # noqa: E402


def truth(fx):
    """[(start, end, label)] of what the fixture made."""
    out = []
    for l in fx.lines:
        if l[0] == 'thread':
            low, size, guard = mt.h(l[3]), int(l[4]), int(l[5])
            out.append((low, low + size, 'thread.stack'))
            if guard:
                out.append((low - guard, low, 'thread.guard'))
        elif l[0] == 'exited':
            low, size, guard = mt.h(l[2]), int(l[3]), int(l[4])
            out.append((low, low + size, 'thread.stack'))
            if guard:
                out.append((low - guard, low, 'thread.guard'))
        elif l[0] in ('small', 'spill') and int(l[1]) != fx.pid:
            b = mt.h(l[2]) & ~(tt.HEAP_MAX - 1)
            out.append((b, b + tt.HEAP_MAX, 'glibc.arena'))
        elif l[0] == 'large':
            c = mt.h(l[2]) - 16
            out.append((c, c + (int(l[3]) + 16 + 4095) // 4096 * 4096, 'glibc.mmap-chunk'))
    return sorted(set(out))


def count(snap, ranges):
    right = anon = wrong = 0
    for s, e, want in ranges:
        for m in snap['mappings']:
            for r in m['regions']:
                a, b = max(s, mt.h(r['start'])), min(e, mt.h(r['end']))
                if a >= b:
                    continue
                if r['label'] == want:
                    right += b - a
                elif r['label'] == 'anon':
                    anon += b - a
                else:
                    wrong += b - a
    return right, anon, wrong


def main():
    fixture = os.path.join(os.environ.get('MEMMAP_BUILD', '.'), 'tests', 'threads',
                           'threads_fixture')
    print('%-10s %-7s %12s %12s %12s' % ('glibc', 'mode', 'right', 'anon', 'wrong'))
    for arg in sys.argv[1:] or ['system']:
        tmp = tempfile.mkdtemp(prefix='memmap-measure-')
        fx_path, name = fixture, 'system'
        musl = arg.startswith('musl')
        if arg == 'static':
            fx_path, name = tt.static_fixture(tmp), 'static'
        elif musl:
            fx_path, name = test_musl.build(tmp, arg.startswith('musl-static'),
                                           arg == 'musl-static-stripped'), arg
        elif arg != 'system':
            fx_path, v = tt.suite_fixture(arg, tmp)
            name = v
        with mt.Fixture([fx_path]) as fx:
            ranges = ([r[:3] for r in test_musl.truth(fx)] if musl else truth(fx))
            for mode, args in (('exact', []), ('no-mem', ['--no-mem'])):
                snap, rc, err = mt.memmap_json(*(args + [fx.pid]))
                print('%-10s %-7s %12d %12d %12d' % ((name, mode) + count(snap, ranges)))
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
