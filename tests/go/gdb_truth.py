# SPDX-License-Identifier: GPL-2.0-or-later
# gdb_truth.py: run inside gdb (gdb -p PID -batch -x gdb_truth.py) on a
# live Go process; prints one line "TRUTH {json}": for each go.* label the
# address ranges the runtime's own structures say it has, read by gdb
# through the binary's DWARF (independently of memmap).
#
# Constants the runtime does not describe in DWARF (linux/amd64, Go
# 1.19-1.27): heapArenaBytes, arenaBaseOffset, persistentChunkSize.
import json

import gdb

HEAP_ARENA_BYTES = 64 << 20
ARENA_BASE_OFFSET = 0xffff800000000000
PERSISTENT_CHUNK_SIZE = 256 << 10
PERSISTENT_MAX_BLOCK = 64 << 10
PAGE = 4096
MASK = (1 << 64) - 1

inf = gdb.selected_inferior()
truth = {}


def page_up(x):
    return (x + PAGE - 1) & ~(PAGE - 1)


def add(label, start, end, what):
    if start:
        truth.setdefault(label, []).append([start, end, what])


def ev(expr):
    return gdb.parse_and_eval(expr)


def u64(addr):
    return int.from_bytes(bytes(inf.read_memory(addr, 8)), 'little')


def words(addr, n):
    b = bytes(inf.read_memory(addr, 8 * n))
    return [int.from_bytes(b[i:i + 8], 'little') for i in range(0, len(b), 8)]


mheap = ev("'runtime.mheap_'")

# Heap arenas, the L2 arena map and each arena's heapArena.
arenas = mheap['arenas']
l1n = arenas.type.sizeof // 8
l2type = arenas[0].dereference().type
l2n = l2type.sizeof // 8
for i in range(l1n):
    add('go.heap-index', int(arenas[i]), page_up(int(arenas[i]) + l2type.sizeof),
        'arenas[%d]' % i)
ha_size = gdb.lookup_type('runtime.heapArena').sizeof


def arena_indices():
    """allArenas until Go 1.25; heapArenas and userArenaArenas from 1.26."""
    out = []
    for name in ('allArenas', 'heapArenas', 'userArenaArenas'):
        try:
            aa = mheap[name]
        except gdb.error:
            continue
        if int(aa['len']):
            out += words(int(aa['array']), int(aa['len']))
    return out


for idx in arena_indices():
    base = (idx * HEAP_ARENA_BYTES + ARENA_BASE_OFFSET) & MASK
    add('go.heap', base, base + HEAP_ARENA_BYTES, 'arena %#x' % base)
    l2 = int(arenas[idx // l2n])
    meta = u64(l2 + (idx % l2n) * 8)
    if ha_size >= PERSISTENT_MAX_BLOCK:
        add('go.heap-metadata', meta, page_up(meta + ha_size), 'heapArena %#x' % base)

# Page allocator: summary levels, chunk L2 blocks, scavenge index.
pages = mheap['pages']
summary = pages['summary']
for lvl in range(summary.type.sizeof // summary[0].type.sizeof):
    s = summary[lvl]
    esz = s['array'].dereference().type.sizeof
    a = int(s['array'])
    add('go.page-summary', a, page_up(a + int(s['cap']) * esz), 'summary[%d]' % lvl)
chunks = pages['chunks']
csize = chunks[0].dereference().type.sizeof
for i, p in enumerate(words(int(chunks.address), chunks.type.sizeof // 8)):
    if p:
        add('go.page-alloc', p, page_up(p + csize), 'chunks[%d]' % i)
sc = pages['scav']['index']['chunks']
a = int(sc['array'])
add('go.scavenge-index', a, page_up(a + int(sc['cap']) * sc['array'].dereference().type.sizeof),
    'scav.index.chunks')

# persistentalloc chunks, linked through their first word.
p = int(ev("'runtime.persistentChunks'"))
seen = 0
while p and seen < 100000:
    add('go.immortal-metadata', p, p + PERSISTENT_CHUNK_SIZE, 'persistent chunk')
    p = u64(p)
    seen += 1

# gcBits arenas: four lists linked through .next.
gba = ev("'runtime.gcBitsArenas'")
for name in ('free', 'next', 'current', 'previous'):
    p = gba[name]
    n = 0
    while int(p) and n < 100000:
        add('go.gc-bits', int(p), page_up(int(p) + p.dereference().type.sizeof), 'gcBits ' + name)
        p = p.dereference()['next']
        n += 1

# allspans backing array.
asp = mheap['allspans']
a = int(asp['array'])
add('go.allspans', a, page_up(a + int(asp['cap']) * 8), 'allspans')

# The memory profiler's bucket hash table.
bh = ev("'runtime.buckhash'")
try:
    bh = bh['value']
except gdb.error:
    pass
if int(bh):
    add('go.other', int(bh), page_up(int(bh) + gdb.lookup_type('runtime.buckhashArray').sizeof),
        'buckhash')

# Go 1.26+ (Green Tea GC): each spanSPMC's ring, linked through allnode.
try:
    lst = ev("'runtime.work'")['spanSPMCs']['list']
except gdb.error:
    lst = None
if lst is not None and bool(lst['initialized']):
    spmc = gdb.lookup_type('runtime.spanSPMC').pointer()
    off = int(lst['nodeOffset'])
    p = int(lst['obj'])
    n = 0
    while p and n < 100000:
        r = gdb.Value(p).cast(spmc).dereference()
        ring = int(r['ring'])
        add('go.other', ring, page_up(ring + int(r['cap']) * 8), 'GC span queue')
        p = u64(p + off + 8)  # listNodeManual.next
        n += 1

print('TRUTH ' + json.dumps(truth, sort_keys=True))
