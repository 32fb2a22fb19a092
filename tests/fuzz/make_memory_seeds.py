#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the hand-made hostile seeds of tests/fuzz/corpus/process_memory/
in the input format fuzz_process_memory.c describes: CPython interpreter,
thread-state and frame-chunk lists that loop onto themselves, a run of fake
mmap'd-chunk headers no chain of which reaches its end, a fake heap_info,
overlapping thread descriptors claiming every mapping, a loader link_map
list that loops, absurd TLS sizes; a jemalloc whose extent map and base
are whole (three extents), whose base block list loops, whose extent
claims more than its mapping.  Run it to regenerate the seeds:
tests/fuzz/make_memory_seeds.py"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
R, W, X, PRESENT, HEAP = 1, 2, 4, 8, 16
PAGE = 4096
# CPython 3.11's offsets, as label_python.c's layout row has them
RT_INTERP_HEAD, IS_NEXT, IS_THREADS_HEAD, TS_NEXT, TS_DATASTACK = 40, 0, 16, 8, 296


class Seed:
    def __init__(self, maps):
        self.maps = maps            # [(gap_pages, pages, flags)]
        self.what = 0
        self.py = b''
        self.glibc = b''
        self.je = b''
        self.patches = b''

    @staticmethod
    def ref(m, off):
        return struct.pack('<BH', m, off)

    def python(self, runtime, rw):
        self.what |= 1
        self.py = self.ref(*runtime) + struct.pack('<B', rw)

    def glibc_facts(self, layout, r_debug, tls_size, tls_align, pts):
        self.what |= 2
        b = struct.pack('<B', layout) + self.ref(*r_debug) + self.ref(*tls_size) + \
            self.ref(*tls_align) + struct.pack('<B', len(pts))
        for pd, block, size_pages, guard_pages, lst in pts:
            b += self.ref(*pd) + self.ref(*block) + struct.pack('<HBB', size_pages,
                                                                 guard_pages, lst)
        self.glibc = b

    def put(self, m, off, *words):
        assert off % 8 == 0
        self.patches += struct.pack('<BHB', m, off // 8, len(words)) + \
            b''.join(struct.pack('<Q', w & (2 ** 64 - 1)) for w in words)

    def addr(self, m, off):
        at = 0x7f0000000000
        for i, (gap, pages, _) in enumerate(self.maps):
            at += gap * PAGE
            if i == m:
                return at + off
            at += (1 + pages % 4096) * PAGE
        raise IndexError(m)

    def bytes(self):
        b = struct.pack('<B', len(self.maps) - 1)
        for gap, pages, flags in self.maps:
            b += struct.pack('<HHB', gap, pages, flags)
        return b + struct.pack('<B', self.what) + self.py + self.glibc + self.je + \
            self.patches


def python_loops(kind):
    s = Seed([(0, 15, R | W | PRESENT), (1, 7, R | W | PRESENT)])
    rt, interp, ts, chunk = s.addr(0, 0), s.addr(0, 0x1000), s.addr(0, 0x2000), s.addr(1, 0)
    s.python((0, 0), 0)
    s.put(0, RT_INTERP_HEAD, interp)
    s.put(0, 0x1000 + IS_THREADS_HEAD, ts)
    s.put(0, 0x2000 + TS_DATASTACK, chunk)
    s.put(1, 0, chunk if kind == 'chunk' else 0, 16384, 0)
    if kind == 'interp':
        s.put(0, 0x1000 + IS_NEXT, interp)
    if kind == 'thread':
        s.put(0, 0x2000 + TS_NEXT, ts)
    if kind == 'two-threads':   # a -> b -> a, missing the head
        s.put(0, 0x2000 + TS_NEXT, ts + 0x800)
        s.put(0, 0x2800 + TS_NEXT, ts)
    return s


def chunk_run():
    s = Seed([(1, 126, R | W | PRESENT)])     # 127 pages: above the mmap threshold
    for p in range(1, 126):
        s.put(0, p * PAGE, 0, PAGE | 2)
    return s


def fake_heap():
    s = Seed([(0, 15, R | W | PRESENT), (0, 4095, 0)])
    base = s.addr(0, 0)
    s.put(0, 0, base + 48, 0, 0x10000, 0x10000, PAGE)
    return s


def descriptors(layout):
    s = Seed([(0, 3, R | W | PRESENT)] + [(0, 0, R | W), (0, 0, R)] * 6)
    s.glibc_facts(layout, (0, 0), (0, 8), (0, 16),
                  [((0, 0x100 * i), (0, 0), 4000, 1, i % 3) for i in range(7)])
    return s


def link_maps(layout):
    s = Seed([(0, 3, R | W | PRESENT)])
    lm = s.addr(0, 0x1000)
    s.glibc_facts(layout, (0, 0), (0, 8), (0, 16), [((0, 0x2000), (0, 0), 0, 0, 1)])
    s.put(0, 0, 1, lm, 1 << 40, 1 << 62)         # r_debug: r_map; TLS size, align
    for off in range(0, 0x800, 8):               # every word names the link_map
        s.put(0, 0x1000 + off, lm)
    return s


# jemalloc 5.3.0's layout row (jemalloc_layouts.c): globals from .bss,
# members of arena_t, base_t, base_block_t, edata_t.
JE_ARENAS, JE_NARENAS, JE_ROOT, JE_B0, JE_BINS, JE_SIZES = \
    0x80, 0x81c8, 0x8460 + 120, 0x2085a8, 0x2085c0, 0x21e480
JE_ARENA_BASE, JE_BASE_BLOCKS, JE_BASE_ALLOCATED = 78936, 160, 3880


def jemalloc(kind):
    """.bss at 0x7f0000000000 in pieces (the globals' pages), a base block
    of two mappings (header, base, arena and extent records; then the
    radix tree's 2 MiB leaf) and the extents' mapping."""
    s = Seed([(0, 15, R | W | PRESENT),        # .bss: arenas, narenas
              (246, 0, R | W | PRESENT),       # .bss + 0x106000: the root slot
              (257, 0, R | W | PRESENT),       # .bss + 0x208000: b0, bin_infos
              (21, 0, R | W | PRESENT),        # .bss + 0x21e000: index2size
              (481, 63, R | W | PRESENT),      # 0x400000: the block's head
              (0, 511, R | W | PRESENT),       # 0x440000: the leaf
              (449, 15, R | W | PRESENT)])     # 0x801000: extents
    s.what |= 4
    s.je = s.ref(0, 0)
    bss, block, leaf = s.addr(0, 0), s.addr(4, 0), s.addr(5, 0)
    base, arena = block + 0x100, block + 0x10000
    s.put(0, JE_ARENAS, arena)
    s.put(0, JE_NARENAS, 1)
    i0 = leaf >> 30
    assert bss + JE_ROOT + i0 * 8 - s.addr(1, 0) == 0x4d8
    s.put(1, 0x4d8, leaf)
    s.put(2, JE_B0 - 0x208000, base)
    for i in range(36):                         # bin_info: reg_size, slab, nregs
        s.put(2, JE_BINS - 0x208000 + 40 * i, 16 * (i + 1), 4096, 256)
    s.put(3, JE_SIZES - 0x21e000, *[16 * (i + 1) for i in range(232)])
    size = 0x240000
    # base_block_t: size, next, edata { bits, addr, bsize }
    s.put(4, 0, size, block if kind == 'loop' else 0, 0, block + 0x3f000, size - 0x3f000)
    s.put(4, 0x100 + JE_BASE_BLOCKS, block)
    s.put(4, 0x100 + JE_BASE_ALLOCATED, 0x10000, 0x10000, size)
    s.put(4, 0x10000 + JE_ARENA_BASE, base)
    # (first page, pages, state, slab, edata record)
    extents = [(0x801000, 4, 0, 1), (0x805000, 8, 3, 0), (0x80d000, 4, 1, 0)]
    for k, (at, pages, state, slab) in enumerate(extents):
        rec = block + 0x30000 + 128 * k
        start = 0x7f0000000000 + at
        npages = 1 << 30 if kind == 'huge' and k == 1 else pages
        s.put(4, 0x30000 + 128 * k, (state << 17) | (slab << 12) | (10 << 28), start,
              npages * PAGE)
        named = range(pages) if slab else (0, pages - 1)
        for p in named:
            idx = ((start >> 12) + p) & 0x3ffff
            s.put(5, idx * 8, rec | (state << 2) | slab)
    return s


def v8_chunk(s, m, off, size, heap, owner, allocator=0):
    """A V8 11.3 chunk header (v8_layouts.c's row) at mapping m + off."""
    a = s.addr(m, off)
    s.put(m, off, size, 0, heap, a + 0x1148, a + size, 0, 0, 0, owner, allocator, a, size)


def v8_pages(hostile):
    # 0: two 256 KiB chunks; 1: the C++ heap (heap, spaces, allocator);
    # 2: the code range's reserved rest; 3: the read-only page (13 pages
    # at the next 256 KiB boundary), detached from any heap.
    s = Seed([(0, 127, R | W | PRESENT), (0, 3, R | W | PRESENT), (0, 511, 0),
              (60, 12, R | PRESENT)])
    s.what |= 8
    ro = s.addr(3, 0)
    assert ro % (1 << 18) == 0
    # size, flags (READ_ONLY_HEAP of 11.3), no heap, area, allocated; a
    # hostile one claims a whole page past its mapping.
    size = (1 << 18) if hostile else 13 * PAGE
    s.put(3, 0, size, 1 << 6, 0, ro + 0x60, ro + size, 0x1000)
    heap, old, code, alloc = (s.addr(1, o) for o in (0, 0x1000, 0x1100, 0x2000))
    s.put(1, 0x1000, 0, heap, 2, 1 << 18)
    s.put(1, 0x1100, 0, heap, 3, 1 << 18)
    if not hostile:
        v8_chunk(s, 0, 0, 1 << 18, heap, old)
        v8_chunk(s, 0, 1 << 18, 1 << 18, heap, code, alloc)
        s.put(1, 0x2000, 0, 0, 0, 0, 0, 0, 1 << 18, PAGE, 0, s.addr(0, 0), 4 << 20)
        return s
    # A chunk claiming the mappings past a gap, one whose space is itself,
    # one whose allocator spans the address space.
    v8_chunk(s, 0, 0, 1 << 30, heap, old)
    v8_chunk(s, 0, 1 << 18, 1 << 18, heap, s.addr(0, 1 << 18), alloc)
    s.put(1, 0x1100, s.addr(0, 1 << 18), heap, 3, 1 << 62)
    v8_chunk(s, 1, 0, PAGE * 4, heap, code, alloc)
    s.put(1, 0x2000, 0, 0, 0, 0, 0, 0, 1 << 18, PAGE, 0, 0, 1 << 63)
    return s


def main():
    out = os.path.join(HERE, 'corpus', 'process_memory')
    os.makedirs(out, exist_ok=True)
    seeds = {
        'py-interp-loop': python_loops('interp'),
        'py-thread-loop': python_loops('thread'),
        'py-two-threads-loop': python_loops('two-threads'),
        'py-chunk-loop': python_loops('chunk'),
        'glibc-chunk-run': chunk_run(),
        'glibc-fake-heap': fake_heap(),
        'v8-pages': v8_pages(False),
        'v8-hostile': v8_pages(True),
    }
    for layout in range(4):
        seeds['glibc-descriptors-%d' % layout] = descriptors(layout)
        seeds['glibc-link-map-loop-%d' % layout] = link_maps(layout)
    for kind in ('whole', 'loop', 'huge'):
        seeds['jemalloc-' + kind] = jemalloc(kind)
    for name, s in sorted(seeds.items()):
        with open(os.path.join(out, name), 'wb') as f:
            f.write(s.bytes())


main()
