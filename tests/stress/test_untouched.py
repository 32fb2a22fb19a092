#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""memmap never stops, traces or signals its target, and opens it read-only.

The target (churn idle, tests/stress/churn.c) catches every catchable
signal and counts them.  While memmap -J runs on it over and over, a
watcher polls /proc/PID/status: State must stay S or R (never t/T stopped
or traced) and TracerPid 0.  At the end the target reports how many signals
it got (must be 0) and its own State.  Then one run under strace must show
no ptrace, kill, tkill, tgkill, process_vm_readv/writev, pidfd_send_signal
or rt_sigqueueinfo, and every open must be read-only (no O_WRONLY, O_RDWR,
O_CREAT, O_TRUNC).

Usage: test_untouched.py CHURN [RUNS]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

FORBIDDEN = ('ptrace', 'kill', 'tkill', 'tgkill', 'process_vm_readv',
             'process_vm_writev', 'pidfd_send_signal', 'rt_sigqueueinfo',
             'rt_tgsigqueueinfo')
WRITE_FLAGS = ('O_WRONLY', 'O_RDWR', 'O_CREAT', 'O_TRUNC', 'O_APPEND')


def status_fields(pid):
    out = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            k, _, v = line.partition(':')
            if k in ('State', 'TracerPid'):
                out[k] = v.split()[0]
    return out


def watch(pid, stop, seen):
    """Polls the target's status until stop is set; records every value."""
    while not stop.is_set():
        try:
            st = status_fields(pid)
        except OSError:
            seen.add(('gone', ''))
            return
        seen.add(('State', st.get('State')))
        seen.add(('TracerPid', st.get('TracerPid')))


def check_strace(t, memmap, pid):
    strace = shutil.which('strace')
    if not strace:
        t.note('strace not installed: syscall check not run')
        return False
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, 'trace')
        # LeakSanitizer cannot run under ptrace: off for this one run.
        env = dict(os.environ)
        env['ASAN_OPTIONS'] = (env.get('ASAN_OPTIONS', '') + ':detect_leaks=0').lstrip(':')
        p = subprocess.run([strace, '-f', '-qq', '-o', log, '-e',
                            'trace=open,openat,openat2,creat,' + ','.join(FORBIDDEN),
                            memmap, '-J', str(pid)],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
                           env=env)
        if p.returncode not in (0, 1):
            err = p.stderr.decode('utf-8', 'replace')
            if 'ptrace' in err and 'Operation not permitted' in err:
                mt.skip('strace cannot trace here: %s' % err.strip())
            t.fail('memmap under strace: exit %d: %s' % (p.returncode, err.strip()))
        with open(log, errors='replace') as f:
            lines = f.read().splitlines()
    opens = 0
    call = re.compile(r'^(?:(\d+)\s+)?(\w+)\((-?\d+)?')
    for line in lines:
        m = call.match(line)
        if not m:
            continue
        caller, name, first = m.group(1), m.group(2), m.group(3)
        # A signal memmap sends itself (abort) disturbs no one else.
        self_signal = name in ('kill', 'tkill', 'tgkill') and caller and first == caller
        t.check(name not in FORBIDDEN or self_signal, 'memmap called %s: %s' % (name, line))
        if name in ('open', 'openat', 'openat2', 'creat'):
            opens += 1
            t.check(name != 'creat' and not any(f in line for f in WRITE_FLAGS),
                    'memmap opened something for writing: %s' % line)
            t.check('O_RDONLY' in line or name == 'openat2',
                    'open without O_RDONLY: %s' % line)
    t.check(opens > 0, 'strace saw no open at all: %d lines' % len(lines))
    target_opens = [x for x in lines if '/proc/%d/' % pid in x]
    t.check(target_opens, 'strace saw no open below /proc/%d' % pid)
    t.note('strace: %d opens (%d of the target\'s files), all read-only; none of %s' %
           (opens, len(target_opens), ', '.join(FORBIDDEN)))
    return True


def main():
    if len(sys.argv) < 2:
        mt.die('usage: test_untouched.py CHURN [RUNS]')
    churn = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    memmap = mt.memmap_path()
    t = mt.Checker('untouched')
    target = subprocess.Popen([churn, 'idle'], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE)
    try:
        pid = int(target.stdout.readline())
        stop = threading.Event()
        seen = set()
        w = threading.Thread(target=watch, args=(pid, stop, seen))
        w.start()
        try:
            for i in range(runs):
                rc, out, err = mt.run_memmap('-J', pid, timeout=60)
                t.check(rc in (0, 1), 'run %d: exit %d: %s' % (i, rc, err.strip()))
            check_strace(t, memmap, pid)
        finally:
            stop.set()
            w.join()
        states = sorted(v for k, v in seen if k == 'State')
        tracers = sorted(v for k, v in seen if k == 'TracerPid')
        t.check(('gone', '') not in seen, 'the target vanished while memmap ran')
        t.check(set(states) <= {'S', 'R'}, 'target State seen: %s (want only S/R)' % states)
        t.eq(tracers, ['0'], 'target TracerPid values seen')
        target.stdin.close()
        report = dict(line.split() for line in
                      target.stdout.read().decode().splitlines() if line.strip())
        target.wait(timeout=10)
        t.eq(report.get('signals'), '0', 'signals the target received')
        t.check(report.get('state') in ('R', 'S'),
                'target State read by itself: %s' % report.get('state'))
        t.note('%d runs; target states seen %s, TracerPid %s' % (runs, states, tracers))
    finally:
        if target.poll() is None:
            target.kill()
        target.wait()
    t.done()


if __name__ == '__main__':
    main()
