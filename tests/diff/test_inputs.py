#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""--diff FILE with inputs that are not snapshot files: each is refused in
one line on stderr, exit 2, promptly and in bounded memory — a FIFO with no
writer (no blocking), /dev/zero and /dev/null (not regular files), a
directory, a 300 MiB file (over the 256 MiB cap, refused before reading),
and /dev/zero on standard input (read up to the cap, then refused).

memmap runs with a 2 GiB address-space limit, so that a reader without
bounds fails here instead of taking the machine's memory (under
AddressSanitizer, whose shadow alone is terabytes of address space, with
its 2 GiB hard RSS limit instead).

usage: test_inputs.py all [GROW RELOAD]"""
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import mt  # noqa: E402

LIMIT = 2 << 30


def sanitized():
    """Whether memmap was built with AddressSanitizer."""
    with open(mt.memmap_path(), 'rb') as f:
        return b'__asan_init' in f.read()


SANITIZED = sanitized()


def limited():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def limit_env():
    env = dict(os.environ)
    if SANITIZED:
        opts = env.get('ASAN_OPTIONS', '')
        env['ASAN_OPTIONS'] = (opts + ':' if opts else '') + \
            'hard_rss_limit_mb=%d' % (LIMIT >> 20)
    return env


def run(args, stdin=subprocess.DEVNULL, limit=20):
    """(rc, stdout, stderr, seconds); rc None when still running after
    limit seconds (then killed)."""
    t0 = time.monotonic()
    p = subprocess.Popen([mt.memmap_path()] + [str(a) for a in args],
                         stdin=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=limit_env(),
                         preexec_fn=None if SANITIZED else limited)
    try:
        out, err = p.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return None, '', '', time.monotonic() - t0
    return (p.returncode, out.decode('utf-8', 'replace'),
            err.decode('utf-8', 'replace'), time.monotonic() - t0)


def main():
    t = mt.Checker('diff-inputs')
    me = os.getpid()
    with tempfile.TemporaryDirectory(prefix='memmap-inputs.') as tmp:
        fifo = os.path.join(tmp, 'fifo')
        os.mkfifo(fifo)
        big = os.path.join(tmp, 'big.json')
        with open(big, 'wb') as f:
            f.truncate(300 << 20)	# sparse: no disk space taken
        not_regular = 'not a regular file (a snapshot is a file memmap --save wrote)'
        cases = [
            ('a FIFO with no writer', fifo, not_regular),
            ('/dev/zero', '/dev/zero', not_regular),
            ('/dev/null', '/dev/null', not_regular),
            ('a directory', tmp, 'Is a directory'),
            ('a 300 MiB file', big,
             '300 MiB: larger than the 256 MiB a snapshot may be'),
        ]
        for what, path, msg in cases:
            rc, out, err, took = run(['--diff', path, me], limit=10)
            t.check(rc is not None, '%s: memmap still running after %.0f s'
                    % (what, took))
            t.eq((rc, out, err), (2, '', 'memmap: %s: %s\n' % (path, msg)),
                 what)
            t.check(took < 5, '%s: took %.1f s' % (what, took))
        with open('/dev/zero', 'rb') as zero:
            rc, out, err, took = run(['--diff', '-', me], stdin=zero, limit=60)
        t.eq((rc, out, err),
             (2, '', 'memmap: -: larger than the 256 MiB a snapshot may be\n'),
             '/dev/zero on standard input')
    t.done()


if __name__ == '__main__':
    main()
