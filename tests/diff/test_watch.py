#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""memmap --watch against the grow fixture: one JSON document per line when
piped with -J, the fixture's change shows up (against the first sample, or
only once with --watch-prev), SIGINT/SIGTERM end it with exit 0, so does the
target exiting; plus the usage errors of the snapshot options.
"""

import os
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import mt, grow_binary, trigger, rng, overlapping  # noqa: E402

INTERVAL = '0.2'


class Watch:
    """memmap --watch running in the background, its lines collected."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([mt.memmap_path(), *map(str, args)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.buf = b''
        self.lines = []

    def read_lines(self, n, timeout=15):
        """Waits until n lines in all have come; returns False on EOF/timeout."""
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while len(self.lines) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return False
            self.buf += chunk
            while b'\n' in self.buf:
                line, self.buf = self.buf.split(b'\n', 1)
                self.lines.append(line.decode('utf-8', 'surrogateescape'))
        return True

    def stop(self, sig, timeout=10):
        """Sends sig and returns (rc, rest of stdout, stderr)."""
        if sig:
            self.proc.send_signal(sig)
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            return None, out.decode(), err.decode()
        rest = (self.buf + out).decode('utf-8', 'surrogateescape')
        self.lines += [x for x in rest.split('\n') if x]
        return self.proc.returncode, rest, err.decode()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def docs(t, lines, pid, what):
    out = []
    for i, line in enumerate(lines):
        try:
            d = mt.json.loads(line)
        except ValueError as ex:
            t.fail('%s: line %d is not one JSON document (%s): %r' % (what, i, ex, line[:200]))
            continue
        t.eq(d.get('schema'), 'memmap-diff/1', '%s: line %d schema' % (what, i))
        t.eq((d['before']['pid'], d['after']['pid']), (pid, pid), '%s: line %d pids' % (what, i))
        out.append(d)
    return out


def anon_changes(d, info):
    a_s, a_e = rng(info, 'anon')
    return [c for c in overlapping(d, a_s, a_e) if c['label'] == 'anon']


def mode_first(t):
    """Against the first sample; SIGINT ends it."""
    with mt.Fixture([grow_binary()]) as fx:
        w = Watch('--watch', INTERVAL, '-J', fx.pid)
        try:
            t.check(w.read_lines(2), 'two samples before the change: %r' % w.lines)
            quiet = len(w.lines)
            info = trigger(fx)
            t.check(w.read_lines(quiet + 4), 'four samples after: %r' % w.lines[quiet:])
            rc, rest, err = w.stop(signal.SIGINT)
        finally:
            w.kill()
        t.eq(rc, 0, 'SIGINT: exit (stderr %r)' % err)
        ds = docs(t, w.lines, fx.pid, '--watch')
        anon_size = int(info['anon_size'][0])
        for i, d in enumerate(ds[:quiet]):
            t.eq(anon_changes(d, info), [], 'sample %d (before the change): no anon change' % i)
        # The first sample or two after the signal may catch the fixture
        # in the middle of writing; from the third on, all is written.
        for i, d in enumerate(ds[quiet + 2:], quiet + 2):
            cs = anon_changes(d, info)
            if t.eq(len(cs), 1, 'sample %d: one anon change' % i):
                t.eq((cs[0]['kind'], cs[0]['delta']['rss']), ('appeared', anon_size),
                     'sample %d: anon appeared with every byte resident' % i)
        t.note('%d samples, %d before the change' % (len(ds), quiet))


def mode_prev(t):
    """Against the previous sample: the change shows once; SIGTERM ends it."""
    with mt.Fixture([grow_binary()]) as fx:
        w = Watch('--watch', INTERVAL, '--watch-prev', '-J', fx.pid)
        try:
            t.check(w.read_lines(1), 'a sample before the change')
            quiet = len(w.lines)
            info = trigger(fx)
            t.check(w.read_lines(quiet + 4), 'four samples after: %r' % w.lines[quiet:])
            rc, rest, err = w.stop(signal.SIGTERM)
        finally:
            w.kill()
        t.eq(rc, 0, 'SIGTERM: exit (stderr %r)' % err)
        ds = docs(t, w.lines, fx.pid, '--watch-prev')
        appeared = [i for i, d in enumerate(ds)
                    if any(c['kind'] == 'appeared' for c in anon_changes(d, info))]
        t.eq(len(appeared), 1, 'the anon mapping appears in exactly one sample: %r' % appeared)
        if appeared:
            t.check(appeared[0] >= quiet, 'it appears after the change (sample %d)' % appeared[0])
        # Each sample against the previous one: the growth is counted once
        # in all (a sample may catch the fixture half-way through writing).
        total = sum(c['delta']['rss'] for d in ds for c in anon_changes(d, info))
        t.eq(total, int(info['anon_size'][0]), 'anon RSS deltas over all samples')
        t.eq(anon_changes(ds[-1], info) if ds else None, [], 'the last sample: no anon change')


def mode_exit(t):
    """The target exits: the watch ends by itself, exit 0."""
    with mt.Fixture([grow_binary()]) as fx:
        w = Watch('--watch', INTERVAL, '-J', fx.pid)
        try:
            t.check(w.read_lines(1), 'a sample')
            fx.kill()
            rc, rest, err = w.stop(None, timeout=10)
        finally:
            w.kill()
        t.eq(rc, 0, 'target exited: exit')
        t.check(err.strip().endswith('%d: the process exited' % fx.pid),
                'target exited: stderr %r' % err)


def no_leak_check():
    """timeout(1) follows its SIGINT with a SIGCONT to the group.  Under
    AddressSanitizer, a SIGCONT that lands while LeakSanitizer's exit-time
    tracer attaches discards the attach's SIGSTOP and the two wait on each
    other for ever.  The SIGINT exit is leak-checked in mode_first."""
    e = dict(os.environ)
    e['ASAN_OPTIONS'] = ':'.join(filter(None, (e.get('ASAN_OPTIONS'),
                                               'detect_leaks=0')))
    return e


def mode_timeout(t):
    """Under timeout(1), piped: JSON lines; and the table when piped: no
    terminal control sequences, one block per sample."""
    with mt.Fixture([grow_binary()]) as fx:
        p = subprocess.run(['timeout', '--preserve-status', '-s', 'INT', '1.5',
                            mt.memmap_path(), '--watch', INTERVAL, '-J', str(fx.pid)],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
                           env=no_leak_check())
        t.eq(p.returncode, 0, 'timeout -s INT: exit (stderr %r)' % p.stderr)
        lines = p.stdout.decode().splitlines()
        t.check(2 <= len(lines) <= 8, '1.5 s at 0.2 s: %d lines' % len(lines))
        docs(t, lines, fx.pid, 'under timeout')

        p = subprocess.run(['timeout', '--preserve-status', '-s', 'INT', '1',
                            mt.memmap_path(), '--watch', INTERVAL, str(fx.pid)],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
                           env=no_leak_check())
        out = p.stdout.decode()
        t.eq(p.returncode, 0, 'table watch: exit')
        t.check('\033' not in out, 'table watch piped: no escape sequences')
        t.check('memmap --watch: sample 1,' in out and 'before: pid %d' % fx.pid in out,
                'table watch: sample header:\n' + out[:500])


def mode_usage(t):
    with mt.Fixture([grow_binary()]) as fx:
        pid = fx.pid
        for args, msg in ((('--watch-prev', pid), '--watch-prev goes with --watch'),
                          (('--watch', '0', pid), '--watch takes seconds'),
                          (('--watch', 'x', pid), '--watch takes seconds'),
                          (('--watch', '1', '--diff', pid, pid), 'cannot be combined'),
                          (('--watch', '1', '--save', '/dev/null', pid), 'cannot be combined'),
                          (('--threshold', '1M', pid), '--threshold goes with'),
                          (('--diff', pid, pid, '--threshold', 'lots'), '--threshold takes a size'),
                          (('--diff', pid, pid, '--mappings'), 'apply to one snapshot'),
                          (('--diff', pid), 'which process')):
            rc, out, err = mt.run_memmap(*args)
            t.eq(rc, 64, 'usage %r: exit' % (args,))
            t.check(msg in err, 'usage %r: stderr %r lacks %r' % (args, err, msg))
        rc, out, err = mt.run_memmap('--diff', pid, '999999999')
        t.eq(rc, 2, '--diff with a PID that does not exist: exit (%r)' % err)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'first'
    t = mt.Checker('watch-' + mode)
    {'first': mode_first, 'prev': mode_prev, 'exit': mode_exit,
     'timeout': mode_timeout, 'usage': mode_usage}[mode](t)
    t.done()


if __name__ == '__main__':
    main()
