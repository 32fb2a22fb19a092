#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The first arena hint taken by something else: the heap is elsewhere.

    test_go_blocked.py TAG FIXDIR BLOCKHINT_SO

The cgo fixture runs with LD_PRELOAD=blockhint.so, whose constructor maps
64 MiB at 0xc000000000 before the Go runtime starts; the runtime then puts
its heap at the next hint.  Exact mode must label the real arenas (gdb
truth) and leave the foreign block alone; heuristic mode (--no-mem, a
captured tree) sees two candidate runs and must label neither wrongly.
"""

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402
import test_go  # noqa: E402

HINT0 = 0xc000000000


def main():
    tag, fixdir, lib = sys.argv[1:4]
    t = mt.Checker('go-blocked-' + tag)
    tmp = tempfile.mkdtemp(prefix='memmap-go-blocked-')
    try:
        with mt.Fixture([os.path.join(fixdir, tag + '-cgo')], timeout=60,
                        env={'LD_PRELOAD': os.path.abspath(lib)}) as fx:
            blocker = [m for m in mt.proc_maps(fx.pid) if m['start'] == HINT0]
            if not t.check(blocker and blocker[0]['end'] == HINT0 + (64 << 20),
                           'the preloaded block at %#x is missing' % HINT0):
                t.done()
            truth, snap = test_go.stable(fx.pid, lambda: mt.memmap_json(fx.pid)[0])
            t.check(all(s >= HINT0 + (64 << 20) or e <= HINT0
                        for s, e, _ in truth.get('go.heap', [])),
                    'truth: the runtime put an arena on the blocked hint')
            test_go.check_exact(t, snap, truth, fx, tag + ' blocked', allow_anon=True)
            for _, r in mt.regions_in(snap, HINT0, HINT0 + 1):
                t.check(not r['label'].startswith('go.'), 'foreign block at %#x is %s' %
                        (HINT0, r['label']))

            root = os.path.join(tmp, 'root')
            truth2, snapc = test_go.stable(fx.pid, lambda: (
                test_go.capture(fx.pid, root),
                mt.memmap_json('--proc-root', root, fx.pid)[0])[1])
            for what, s in (('captured', snapc),
                            ('--no-mem', mt.memmap_json('--no-mem', fx.pid)[0])):
                unions = test_go.merged(truth2.get('go.heap', []))
                for m, r in test_go.go_regions(s):
                    t.check(r['label'] == 'go.heap' and
                            test_go.inside(mt.h(r['start']), mt.h(r['end']), unions),
                            '%s blocked %s: region %s-%s labelled %s' %
                            (tag, what, r['start'], r['end'], r['label']))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == '__main__':
    main()
