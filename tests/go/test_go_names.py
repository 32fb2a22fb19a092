#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The names Go 1.25+ gives its mappings ("[anon: Go: heap]", GODEBUG
decoratemappings) become go.* labels with how=kernel.

This kernel lacks CONFIG_ANON_VMA_NAME, so the process is a captured /proc
tree (tests/go/proc-go125/4242): the smaps of a go1.23 idle fixture, each
runtime mapping split where gdb showed the runtime's structures begin and
end and named as Go 1.25 names them (runtime/mem.go's vmaName arguments:
sysReserve "heap reservation" and sysMap "heap" for arenas, "heap index"
for the L2 map, "page summary" reserved and "page alloc" committed for the
summary levels, "page alloc index" for the chunk blocks, ...), plus a Go
mapping of a kind without its own label and a named mapping that is not
Go's.  The truth is the table below, from what each name allocates.
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'proc-go125')

EXPECT = {
    'heap': 'go.heap',
    'heap reservation': 'go.heap',
    'heap index': 'go.heap-index',
    'heap metadata': 'go.heap-metadata',
    'page summary': 'go.page-summary',
    'page alloc': 'go.page-summary',
    'page alloc index': 'go.page-alloc',
    'scavenge index': 'go.scavenge-index',
    'immortal metadata': 'go.immortal-metadata',
    'gc bits': 'go.gc-bits',
    'allspans array': 'go.allspans',
    'profiler hash buckets': 'go.other',
}


def main():
    t = mt.Checker('go-names')
    snap, rc, err = mt.memmap_json('--proc-root', ROOT, '4242')
    seen = set()
    for m in snap['mappings']:
        path = m['path'] or ''
        g = re.fullmatch(r'\[anon: Go: (.*)\]', path)
        if g:
            want, how = EXPECT[g.group(1)], 'kernel'
            seen.add(g.group(1))
        elif path.startswith('[anon:'):
            want, how = 'anon.named', 'kernel'
        else:
            continue
        for r in m['regions']:
            t.check(r['label'] == want and r['how'] == how,
                    '%s-%s %s: region %s-%s is %s/%s, want %s/%s' %
                    (m['start'], m['end'], path, r['start'], r['end'],
                     r['label'], r['how'], want, how))
    t.eq(seen, set(EXPECT), 'Go names present in the captured tree')
    t.done()


if __name__ == '__main__':
    main()
