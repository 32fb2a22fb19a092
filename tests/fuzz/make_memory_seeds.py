#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the hand-made hostile seeds of tests/fuzz/corpus/process_memory/
in the input format fuzz_process_memory.c describes: CPython interpreter,
thread-state and frame-chunk lists that loop onto themselves, a run of fake
mmap'd-chunk headers no chain of which reaches its end, a fake heap_info,
overlapping thread descriptors claiming every mapping, a loader link_map
list that loops, absurd TLS sizes.  Run it to regenerate the seeds:
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
        return b + struct.pack('<B', self.what) + self.py + self.glibc + self.patches


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


def v8_chunk(s, m, off, size, heap, owner, allocator=0):
    """A V8 11 chunk header (v8_layouts.c's row) at mapping m + off."""
    a = s.addr(m, off)
    s.put(m, off, size, 0, heap, a + 0x1148, a + size, 0, 0, 0, owner, allocator, a, size)


def v8_pages(hostile):
    # 0: two 256 KiB chunks; 1: the C++ heap (heap, spaces, allocator);
    # 2: the code range's reserved rest.
    s = Seed([(0, 127, R | W | PRESENT), (0, 3, R | W | PRESENT), (0, 511, 0)])
    s.what |= 4
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
    for name, s in sorted(seeds.items()):
        with open(os.path.join(out, name), 'wb') as f:
            f.write(s.bytes())


main()
