#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Measures memmap's Go labels against gdb's truth (not a test; for notes).

    measure_go.py FIXDIR TAG=GO...   (e.g. go1.27=/usr/lib/go-1.27/bin/go;
                                     $MEMMAP, $MEMMAP_SOURCE as meson sets)

For each toolchain TAG, the idle and bigheap fixtures with symbols and
stripped (-s -w, built here beside the fixtures), in exact mode and with
--no-mem: bytes of the truth's ranges labelled correctly, left anon, or
labelled otherwise, plus go.* bytes outside the truth for their label
(wrong too).  One line per case.  MEASURE_KINDS="idle bigheap cgo" picks
the fixtures.
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402
import test_go  # noqa: E402


def score(snap, truth):
    right = anon = wrong = 0
    for label, ranges in truth.items():
        for s, e in test_go.merged(ranges):
            for m, r in mt.regions_in(snap, s, e):
                a, b = max(s, mt.h(r['start'])), min(e, mt.h(r['end']))
                if r['label'] == label:
                    right += b - a
                elif r['label'] == 'anon':
                    anon += b - a
                else:
                    wrong += b - a
    unions = {k: test_go.merged(v) for k, v in truth.items()}
    for m, r in test_go.go_regions(snap):
        s, e = mt.h(r['start']), mt.h(r['end'])
        inside = sum(max(0, min(e, b) - max(s, a)) for a, b in unions.get(r['label'], []))
        wrong += (e - s) - inside
    return right, anon, wrong


def stripped_twin(fixdir, tag, go, kind):
    """kind built with -s -w beside the fixtures, same toolchain and cache."""
    out = os.path.join(fixdir, '%s-%s-sw' % (tag, kind))
    if not os.path.exists(out):
        env = dict(os.environ, GOCACHE=os.path.join(fixdir, 'gocache-' + tag),
                   GOPATH=os.path.join(fixdir, 'gopath-' + tag), GOTOOLCHAIN='local',
                   GOFLAGS='-buildvcs=false', GOPROXY='off', CGO_ENABLED='1')
        src = os.path.join(os.environ['MEMMAP_SOURCE'], 'tests/go/fixtures', kind)
        subprocess.run([go, 'build', '-ldflags=-s -w', '-o', out, '.'], cwd=src, env=env,
                       check=True)
    return out


def main():
    fixdir = os.path.abspath(sys.argv[1])
    print('%-7s %-8s %-8s %-8s %12s %12s %12s' %
          ('go', 'fixture', 'binary', 'mode', 'correct', 'anon', 'wrong'))
    for arg in sys.argv[2:]:
        tag, go = arg.split('=', 1)
        for kind in os.environ.get('MEASURE_KINDS', 'idle bigheap').split():
            twin = os.path.join(fixdir, '%s-%s' % (tag, kind))
            for binary in ('symbols', 'stripped'):
                exe = twin if binary == 'symbols' else stripped_twin(fixdir, tag, go, kind)
                relocs = None if binary == 'symbols' else test_go.relocations(exe, twin)
                for mode in ('exact', '--no-mem'):
                    args = [] if mode == 'exact' else ['--no-mem']
                    with mt.Fixture([exe], timeout=60) as fx:
                        truth, snap = test_go.stable(
                            fx.pid, lambda: mt.memmap_json(*args, fx.pid)[0],
                            twin if binary == 'stripped' else None, relocs)
                        r, a, w = score(snap, truth)
                    print('%-7s %-8s %-8s %-8s %12d %12d %12d' %
                          (tag, kind, binary, mode, r, a, w), flush=True)


if __name__ == '__main__':
    main()
