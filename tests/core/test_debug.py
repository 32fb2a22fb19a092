#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""core: the hidden --debug (and MEMMAP_DEBUG=1) says on stderr, for every
labeller of the registry, what it did or why it was skipped, and for every
runtime probe whether the runtime is there, and no labeller makes a label
its registry row does not name; stdout stays one JSON document.

usage: test_debug.py"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

LABELLERS = ('kernel', 'elf', 'go', 'threads', 'python', 'glibc', 'musl', 'guards')
RUNTIMES = ('go', 'glibc', 'python', 'musl', 'jemalloc')


def check(t, err, how):
    lines = [x for x in err.splitlines() if x.startswith('memmap: debug: ')]
    t.check(lines, '%s: no debug line on stderr' % how)
    for name in LABELLERS:
        pat = re.compile(r'^memmap: debug: %s: (done: |skipped: )' % name)
        t.check(any(pat.match(x) for x in lines),
                '%s: labeller %s said nothing' % (how, name))
    for rt in RUNTIMES:
        pat = re.compile(r'^memmap: debug: probe: %s: (present|absent)$' % rt)
        t.check(any(pat.match(x) for x in lines),
                '%s: probe %s said nothing' % (how, rt))
    t.check(any(x.startswith('memmap: debug: images: ') and ': executable at ' in x
                for x in lines), '%s: the executable is not in the image table' % how)
    for x in lines:
        t.check('not in its registry row' not in x, '%s: %s' % (how, x))


def main():
    t = mt.Checker('core-debug')
    factory = os.environ.get('MEMMAP_FACTORY')
    if not factory:
        mt.skip('MEMMAP_FACTORY unset')
    with mt.Fixture([factory]) as fx:
        rc, out, err = mt.run_memmap('--debug', '-J', fx.pid)
        t.check(rc in (0, 1), '--debug: exit %d (stderr %s)' % (rc, err))
        json.loads(out)
        check(t, err, '--debug')
        rc, out, err = mt.run_memmap('-J', fx.pid, env={'MEMMAP_DEBUG': '1'})
        json.loads(out)
        check(t, err, 'MEMMAP_DEBUG=1')
        rc, out, err = mt.run_memmap('-J', fx.pid, env={'MEMMAP_DEBUG': None})
        t.check('memmap: debug:' not in err, 'without --debug: debug lines on stderr')
    t.done()


if __name__ == '__main__':
    main()
