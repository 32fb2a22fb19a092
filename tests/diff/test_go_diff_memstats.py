#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Go runtime's own numbers in a diff: two snapshots saved with --save
around gogrow's 24 MiB of new live heap (GC off), then --diff of the two
files, as JSON and as a table.

The truth: runtime.ReadMemStats printed by gogrow itself before it was
ready and after it grew.  The diff must list HeapInuse (and the other
fields that moved) with before and after equal to what it printed, and
not list a field it printed unchanged.  Then the same under --watch -J:
the samples after the growth list HeapInuse from what it printed before
to what it printed after.
"""

import json
import os
import re
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import mt, trigger, diff_json  # noqa: E402
from test_watch import Watch  # noqa: E402

MIB = 1 << 20
# A runtime goroutine may take or give back a span after the print.
SLACK = {'HeapInuse': 16384, 'HeapIdle': 16384, 'HeapReleased': 16384}
FIELDS = ('Sys', 'HeapSys', 'HeapInuse', 'HeapIdle', 'HeapReleased', 'StackInuse',
          'NumGC')
ATTEMPTS = 3


def close(k, got, want):
    return got is not None and abs(got - want) <= SLACK.get(k, 0)


def one_run(t, binary, tmp):
    with mt.Fixture([binary]) as fx:
        before_f = os.path.join(tmp, 'before.json')
        after_f = os.path.join(tmp, 'after.json')
        want_b = json.loads(fx.info['memstats'][0])
        rc, out, err = mt.run_memmap('--save', before_f, fx.pid)
        t.check(rc in (0, 1) and os.path.exists(before_f), 'memmap --save before: %d %s'
                % (rc, err.strip()))
        info = trigger(fx)
        want_a = json.loads(info['memstats'][0])
        grow = int(info['grew'][0])
        rc, out, err = mt.run_memmap('--save', after_f, fx.pid)
        t.check(rc in (0, 1) and os.path.exists(after_f), 'memmap --save after: %d %s'
                % (rc, err.strip()))

    d, err = diff_json(before_f, after_f)
    ms = d.get('memstats')
    if not t.check(isinstance(ms, list), 'diff memstats: %r' % ms):
        return
    rows = {m['field']: m for m in ms}
    for k in FIELDS:
        moved = not close(k, want_a[k], want_b[k])
        row = rows.get(k)
        if moved:
            if t.check(row is not None, 'diff: %s moved %d -> %d, not listed'
                       % (k, want_b[k], want_a[k])):
                t.check(close(k, row['before'], want_b[k]) and close(k, row['after'], want_a[k])
                        and row['delta'] == row['after'] - row['before'],
                        'diff %s: %r, printed %d -> %d' % (k, row, want_b[k], want_a[k]))
        elif k not in SLACK:
            t.check(row is None, 'diff: %s printed unchanged (%d) but listed %r'
                    % (k, want_a[k], row))
    inuse = rows.get('HeapInuse')
    t.check(inuse is not None and grow <= inuse['delta'] <= grow + 2 * MIB,
            'HeapInuse delta %r for %d grown' % (inuse, grow))
    t.note('memstats moved: %s' % ', '.join('%s %+d' % (m['field'], m['delta']) for m in ms))

    rc, out, err = mt.run_memmap('-b', '--diff', before_f, after_f)
    t.check(rc in (0, 1), 'memmap --diff (table): exit %d %s' % (rc, err.strip()))
    t.check(re.search(r'^MEMSTATS +BEFORE +AFTER +DELTA$', out, re.M) is not None,
            'table: no MEMSTATS header in %r' % out[:600])
    m = re.search(r'^HeapInuse +(\d+) +(\d+) +\+(\d+)$', out, re.M)
    t.check(m is not None and inuse is not None and
            int(m.group(3)) == inuse['delta'], 'table: HeapInuse row %r'
            % (m.group(0) if m else None))

    # Snapshots without a runtime read: null, and no table.
    d, err = diff_json(before_f, before_f)
    t.eq(d.get('memstats'), [], 'a snapshot against itself: nothing moved')


def watch_run(t, binary):
    """--watch -J: the last sample, after the growth, lists HeapInuse."""
    with mt.Fixture([binary]) as fx:
        want_b = json.loads(fx.info['memstats'][0])
        w = Watch('--watch', '0.3', '-J', fx.pid)
        try:
            t.check(w.read_lines(1), 'watch: a sample before the growth: %r' % w.lines)
            quiet = len(w.lines)
            info = trigger(fx)
            want_a = json.loads(info['memstats'][0])
            t.check(w.read_lines(quiet + 3), 'watch: three samples after: %r' % w.lines[quiet:])
            rc, rest, err = w.stop(signal.SIGINT)
        finally:
            w.kill()
    t.eq(rc, 0, 'watch: SIGINT ends it (stderr %r)' % err)
    try:
        last = json.loads(w.lines[-1])
    except (ValueError, IndexError):
        t.fail('watch: the last line is not JSON: %r' % w.lines[-1:])
        return
    row = {m['field']: m for m in last.get('memstats') or []}.get('HeapInuse')
    t.check(row is not None and close('HeapInuse', row['before'], want_b['HeapInuse']) and
            close('HeapInuse', row['after'], want_a['HeapInuse']),
            'watch: HeapInuse %r, printed %d -> %d' % (row, want_b['HeapInuse'],
                                                        want_a['HeapInuse']))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--missing':
        mt.skip('no Go toolchain in /usr/lib/go-*/bin: gogrow cannot be built')
    binary = sys.argv[2]
    t = mt.Checker('diff-go-memstats')
    # A fixture whose runtime moved a span after a print cannot be the
    # truth: a fresh one, up to ATTEMPTS; a wrong diff is wrong every time.
    for attempt in range(1, ATTEMPTS + 1):
        a = mt.Checker('diff-go-memstats')
        with tempfile.TemporaryDirectory(prefix='memmap-godiffms-') as tmp:
            one_run(a, binary, tmp)
        if not a.failures or attempt == ATTEMPTS:
            break
        t.note('attempt %d: %d failures, with a fresh fixture again' % (attempt, len(a.failures)))
    t.failures += a.failures
    t.passed += a.passed
    for attempt in range(1, ATTEMPTS + 1):
        a = mt.Checker('diff-go-memstats')
        watch_run(a, binary)
        if not a.failures or attempt == ATTEMPTS:
            break
        t.note('watch attempt %d: %d failures, again' % (attempt, len(a.failures)))
    t.failures += a.failures
    t.passed += a.passed
    t.done()


if __name__ == '__main__':
    main()
