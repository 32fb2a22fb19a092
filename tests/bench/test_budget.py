#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The instruction budget (issue 16): memmap's instructions per mapping,
counted by valgrind's callgrind (exact, whatever the load: no timing), must
stay under a budget.  `memmap -J` runs on the many_maps fixture with 1,000
and then 10,000 mappings; the difference of the two counts over the 9,000
mappings between them is the cost of one mapping, without the start-up
(loader, locale, libraries) that does not grow with the process.

The budget is what an optimized build (-O2, scripts/build's and CI's
debugoptimized; -O3 counts 5% fewer) measured when it was set, times 1.3.
A change that makes each mapping dearer by more than that fails here; one
that makes it cheaper should lower the budget.

Usage: test_budget.py MANY_MAPS OPTIMIZATION
Skips when valgrind is missing, memmap was built with a sanitizer, or
without optimization (no budget was measured for -O0).
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

SIZES = (1000, 10000)
# Instructions per mapping of `memmap -J` at -O2 (callgrind, 2026-12-08,
# after the buffer-level smaps parser: 13,190 before, 19,142 before the
# literal JSON members), and the budget: that times 1.3.
MEASURED = 10524
BUDGET = int(MEASURED * 1.3)


def instructions(vg, pid):
    """Instructions memmap -J PID executed in user space (callgrind's Ir)."""
    with tempfile.TemporaryDirectory(prefix='memmap-budget-') as d:
        out = os.path.join(d, 'callgrind.out')
        p = mt.run_valgrind(vg, ['--tool=callgrind', '--callgrind-out-file=' + out],
                            ['-J', pid], stdout=subprocess.DEVNULL)
        if p.returncode != 0:
            mt.die('valgrind memmap -J %d: exit %d: %s' % (
                pid, p.returncode, p.stderr.decode(errors='replace')[-500:]))
        with open(out) as f:
            for line in f:
                if line.startswith(('summary:', 'totals:')):
                    return int(line.split()[1])
    mt.die('callgrind wrote no instruction total')
    return 0


def main():
    if len(sys.argv) != 3:
        mt.die('usage: test_budget.py MANY_MAPS OPTIMIZATION')
    many_maps, opt = sys.argv[1], sys.argv[2]
    vg = mt.valgrind_or_skip(mt.memmap_path())
    if opt not in ('2', '3', 's'):
        mt.skip('memmap is built with -O%s: the budget is for -O2 and -O3' % opt)
    t = mt.Checker('instruction-budget')
    counts = []
    for n in SIZES:
        with mt.Fixture([many_maps, n], timeout=120) as fx:
            with open('/proc/%d/maps' % fx.pid) as f:
                nmaps = sum(1 for _ in f)
            counts.append((nmaps, instructions(vg, fx.pid)))
            t.note('%d mappings: %d instructions' % counts[-1])
    per = (counts[1][1] - counts[0][1]) / (counts[1][0] - counts[0][0])
    t.note('-O%s: %.0f instructions per mapping; budget %d (measured %d x 1.3)'
           % (opt, per, BUDGET, MEASURED))
    t.check(per <= BUDGET, 'memmap -J: %.0f instructions per mapping, over the '
            'budget of %d (-O%s)' % (per, BUDGET, opt))
    t.done()


if __name__ == '__main__':
    main()
