#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""memmap against processes that change while it reads them.

Fixtures (tests/stress/churn.c): one that maps, unmaps and mprotects from
two threads without pause, one that execs itself ~100 times a second, and a
stream of short-lived ones that exit (and stay zombies a moment) while
memmap reads them.  memmap -J runs hundreds of times; every run must either
exit 0/1 with a self-consistent snapshot (valid JSON, sorted mappings,
regions tiling their mapping, categories equal to the sums over regions,
totals equal to the sums over mappings) or exit 2 with exactly one line on
stderr; never anything else (a signal, a sanitizer report, a hang).

Usage: test_stress.py CHURN [SECONDS]    (default 40 s, at least 300 runs
when they fit)
"""
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

SANITIZER_MARKS = ('AddressSanitizer', 'LeakSanitizer', 'UndefinedBehaviorSanitizer',
                   'runtime error:', '==ERROR', 'Valgrind')


def start(argv):
    """Starts a churn process; returns (Popen, pid it printed)."""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    line = p.stdout.readline()
    if not line:
        p.kill()
        p.wait()
        mt.die('%s: printed no pid' % ' '.join(argv))
    return p, int(line)


def judge(t, what, rc, out, err):
    """Checks one run; returns a short outcome name."""
    for mark in SANITIZER_MARKS:
        if mark in err:
            t.fail('%s: sanitizer report in stderr: %s' % (what, err[:2000]))
            return 'sanitizer'
    if rc in (0, 1):
        try:
            snap = json.loads(out)
        except ValueError as ex:
            t.fail('%s: exit %d but stdout is not JSON (%s): %r' % (what, rc, ex, out[:300]))
            return 'bad-json'
        one = mt.Checker(what)
        mt.check_snapshot(one, snap)
        if one.failures:
            t.fail('%s: inconsistent snapshot: %s' % (what, '; '.join(one.failures[:5])))
            return 'inconsistent'
        t.check(True, what)
        return 'ok' if rc == 0 else 'partial'
    if rc == 2:
        lines = err.splitlines()
        t.check(len(lines) == 1 and lines[0].startswith('memmap: '),
                '%s: exit 2 wants one "memmap: ..." line on stderr, got %r' % (what, err[:500]))
        return 'gone'
    t.fail('%s: exit %d (a crash or an undocumented code); stderr: %s' % (what, rc, err[:2000]))
    return 'crash'


def main():
    if len(sys.argv) < 2:
        mt.die('usage: test_stress.py CHURN [SECONDS]')
    churn = sys.argv[1]
    budget = float(sys.argv[2]) if len(sys.argv) > 2 else 40.0
    memmap = mt.memmap_path()
    t = mt.Checker('stress')
    rng = random.Random(1)
    procs = []
    outcomes = {}
    runs = 0
    try:
        maps, maps_pid = start([churn, 'maps'])
        execs, exec_pid = start([churn, 'exec', '100'])
        procs += [maps, execs]
        deadline = time.monotonic() + budget
        while time.monotonic() < deadline and runs < 600:
            kind = ('maps', 'exec', 'exit')[runs % 3]
            short = None
            if kind == 'maps':
                pid = maps_pid
            elif kind == 'exec':
                pid = exec_pid
            else:
                # Exits 0-20 ms from now: before, during or after the read.
                short, pid = start([churn, 'exit', str(rng.randrange(0, 20))])
            try:
                p = subprocess.run([memmap, '-J', str(pid)], stdin=subprocess.DEVNULL,
                                   capture_output=True, timeout=30)
                rc, out, err = (p.returncode, p.stdout.decode('utf-8', 'replace'),
                                p.stderr.decode('utf-8', 'replace'))
            except subprocess.TimeoutExpired:
                rc, out, err = None, '', ''
            if short:
                short.wait()
            what = 'run %d (%s, pid %d)' % (runs, kind, pid)
            if rc is None:
                t.fail(what + ': memmap hung for 30 s')
                outcome = 'hang'
            else:
                outcome = judge(t, what, rc, out, err)
            if outcome == 'gone' and kind != 'exit':
                # The target is alive: worth a line in the log.
                t.note('%s: exit 2: %s' % (what, err.strip()))
            outcomes.setdefault(kind, {}).setdefault(outcome, 0)
            outcomes[kind][outcome] += 1
            runs += 1
        for p in (maps, execs):
            t.check(p.poll() is None, 'churn %s died during the test (exit %s)' %
                    (p.args[1], p.returncode))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
    t.note('%d runs in %.0f s: %s' % (runs, budget, json.dumps(outcomes, sort_keys=True)))
    t.check(runs >= 60, 'only %d runs fitted in %.0f s' % (runs, budget))
    for kind in ('maps', 'exec'):
        t.check(outcomes.get(kind, {}).get('ok', 0) + outcomes.get(kind, {}).get('partial', 0) > 0,
                'no run on the %s churner produced a snapshot: %s' % (kind, outcomes.get(kind)))
    t.done()


if __name__ == '__main__':
    main()
