#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A Go heap arena committing more of its reservation reads as one region
that grew, not as mappings vanishing and appearing.

gogrow (built with the first Go toolchain found) allocates and writes
24 MiB of live heap on SIGUSR1 and prints each block's address.  The truth:
those addresses, the size, and /proc/PID/maps (the arena's rw part grew
inside its PROT_NONE reservation).
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import mt, trigger, snapshot_to, diff_json  # noqa: E402

MIB = 1 << 20
# Runtime metadata grows with the heap (gc bits, spans, page summaries).
NOISE_RSS = 3 * MIB


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--missing':
        mt.skip('no Go toolchain in /usr/lib/go-*/bin: gogrow cannot be built')
    binary = sys.argv[2]
    t = mt.Checker('diff-go')
    with tempfile.TemporaryDirectory(prefix='memmap-godiff-') as tmp, \
            mt.Fixture([binary]) as fx:
        before_f = os.path.join(tmp, 'before.json')
        snapshot_to(before_f, fx.pid)
        fd = fx.proc.stdout.fileno()
        info = {}
        blocks = []
        os.kill(fx.pid, __import__('signal').SIGUSR1)
        buf = b''
        while not buf.endswith(b'done\n'):
            chunk = os.read(fd, 65536)
            if not chunk:
                mt.die('gogrow exited before done')
            buf += chunk
        for line in buf.decode().splitlines():
            w = line.split()
            if w and w[0] == 'block':
                blocks.append(mt.h(w[1]))
            elif w:
                info[w[0]] = w[1:]
        grow = int(info['grew'][0])
        lo, hi = min(blocks), max(blocks) + MIB
        t.note('%d blocks in %#x-%#x' % (len(blocks), lo, hi))

        # Independent truth: the blocks lie in rw memory that /proc says is
        # one mapping next to (or inside) a reservation.
        maps = mt.proc_maps(fx.pid)
        inside = [m for m in maps if m['start'] < hi and m['end'] > lo]
        t.check(all(m['perms'].startswith('rw') for m in inside),
                'the blocks are in rw mappings: %r' % inside)

        d, err = diff_json(before_f, fx.pid)
        cs = [c for c in d['changes']
              if mt.h(c['start']) < hi and mt.h(c['end']) > lo]
        if t.eq(len(cs), 1, 'one change holds the blocks: %r' %
                [(c['kind'], c['label'], c['start'], c['end']) for c in cs]):
            c = cs[0]
            t.eq((c['kind'], c['label']), ('grew', 'go.heap'), 'kind and label')
            t.check(c['before'] is not None and c['after'] is not None,
                    'matched on both sides (not appeared/vanished)')
            t.eq(c['delta']['vsz'], 0, 'the reservation kept its size')
            t.check(grow - MIB <= c['delta']['rss'] <= grow + 4 * MIB,
                    'delta.rss %d vs %d written' % (c['delta']['rss'], grow))
            t.check(-c['delta']['reserved'] >= grow - 4 * MIB,
                    'committed out of the reservation: delta.reserved %d'
                    % c['delta']['reserved'])
            t.check(',' in c['before']['perms'] and ',' in c['after']['perms'],
                    'committed and reserved parts on both sides: %s / %s'
                    % (c['before']['perms'], c['after']['perms']))
        churn = [c for c in d['changes'] if c['label'] == 'go.heap'
                 and c['kind'] in ('appeared', 'vanished')]
        t.eq(churn, [], 'no go.heap region appeared or vanished')
        others = [c for c in d['changes'] if not any(c is x for x in cs)]
        rss = sum(abs(c['delta']['rss']) for c in others)
        t.check(rss <= NOISE_RSS, 'other changes: |rss| %d > %d' % (rss, NOISE_RSS))
        cat = {c['label']: c for c in d['categories']}.get('go.heap')
        if t.check(cat, 'category go.heap changed'):
            t.check(grow - MIB <= cat['delta']['rss'] <= grow + 4 * MIB,
                    'category go.heap delta.rss %d' % cat['delta']['rss'])
    t.done()


if __name__ == '__main__':
    main()
