#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""memmap under valgrind (memcheck) on a sample of targets and modes: zero
errors and no leak (definite, indirect or possible), checked with
--error-exitcode.  Targets: sleep, the fixture factory (libraries, threads,
every kind of mapping), a churning process (mappings changing under the
read), and a Go fixture when one was built.  Modes: -J, the tables, and
--diff of two saved snapshots (the loader).

Usage: test_valgrind.py CHURN
Skips when valgrind is missing or memmap was built with a sanitizer (the
two cannot run together).
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

VG_ERR = 99
MEMCHECK = ['-q', '--error-exitcode=%d' % VG_ERR, '--leak-check=full',
            '--errors-for-leak-kinds=definite,indirect,possible',
            '--show-leak-kinds=definite,indirect,possible', '--track-origins=yes']


def valgrind(t, vg, args, what, ok_rcs=(0, 1)):
    p = mt.run_valgrind(vg, MEMCHECK, args)
    err = p.stderr.decode('utf-8', 'replace')
    vg_lines = [x for x in err.splitlines() if x.startswith('==')]
    t.check(p.returncode != VG_ERR and not vg_lines,
            '%s: valgrind reports (exit %d):\n%s' % (what, p.returncode, '\n'.join(vg_lines[:80])))
    t.check(p.returncode in ok_rcs or p.returncode == VG_ERR,
            '%s: memmap exit %d: %s' % (what, p.returncode, err.strip()[:500]))
    t.note('%s: exit %d, %d valgrind lines' % (what, p.returncode, len(vg_lines)))
    return p


def main():
    if len(sys.argv) < 2:
        mt.die('usage: test_valgrind.py CHURN')
    churn = sys.argv[1]
    memmap = mt.memmap_path()
    vg = mt.valgrind_or_skip(memmap)
    t = mt.Checker('valgrind')
    procs = []
    try:
        sleeper = subprocess.Popen(['sleep', '600'])
        procs.append(sleeper)
        busy = subprocess.Popen([churn, 'maps'], stdout=subprocess.PIPE)
        procs.append(busy)
        busy_pid = int(busy.stdout.readline())
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, 'a.json'), os.path.join(tmp, 'b.json')
            valgrind(t, vg, ['-J', sleeper.pid], 'sleep -J')
            valgrind(t, vg, [sleeper.pid], 'sleep table')
            valgrind(t, vg, ['-J', busy_pid], 'churn maps -J', ok_rcs=(0, 1, 2))
            factory = os.environ.get('MEMMAP_FACTORY')
            if factory:
                with mt.Fixture([factory]) as fx:
                    valgrind(t, vg, ['--save', a, '--summary', fx.pid], 'factory --summary --save')
                    valgrind(t, vg, ['-J', '--save', b, fx.pid], 'factory -J --save')
                if os.path.exists(a) and os.path.exists(b):
                    valgrind(t, vg, ['--diff', a, b], 'factory --diff A B')
            else:
                t.note('MEMMAP_FACTORY unset: factory runs not done')
            build = os.environ.get('MEMMAP_BUILD', '')
            go = os.path.join(build, 'tests', 'go', 'go1.22-idle')
            if build and os.access(go, os.X_OK):
                with mt.Fixture([go]) as fx:
                    valgrind(t, vg, ['-J', fx.pid], 'go1.22-idle -J')
            else:
                t.note('no Go fixture built (%s): Go run not done' % go)
    finally:
        for p in procs:
            p.kill()
            p.wait()
    t.done()


if __name__ == '__main__':
    main()
