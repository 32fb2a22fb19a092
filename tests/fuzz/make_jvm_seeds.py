#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seeds of tests/fuzz/corpus/jvm_vmstructs/ in the input format
fuzz_jvm_vmstructs.c describes: a small well-formed table (the layout
JDK 17's libjvm exports), and hostile ones: a stride of 0 and of 1 MiB, a
member offset past the stride, a name that never ends, a name that is not
text, a table of 8,192+ entries of 16 bytes that all point at one name (no
end within the bound), NULL table pointers.  Run it to regenerate the seeds:
tests/fuzz/make_jvm_seeds.py"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = 0x7f0000000000
NSYMS = 20
PAGE = 4096


def build(stride=48, entries=None, names=None, int_off=None, name_bytes=None):
    """Memory: page 0 the globals, page 1 the names, pages 2.. the tables."""
    mem = bytearray(PAGE * 4)
    syms = [8 * i for i in range(NSYMS)]
    names = names or [b'Universe', b'_collectedHeap', b'CollectedHeap', b'_reserved',
                      b'HeapWordSize']
    at, addr = PAGE, {}
    for n in names:
        addr[n] = BASE + at
        mem[at:at + len(n) + 1] = n + b'\0'
        at += len(n) + 1
    if name_bytes is not None:
        addr[b'raw'] = BASE + at
        mem[at:at + len(name_bytes)] = name_bytes
    structs, types, ints, longs = 2 * PAGE, 2 * PAGE + 1024, 2 * PAGE + 2048, 2 * PAGE + 3072
    glob = {0: BASE + structs, 1: stride, 2: 0, 3: 8, 4: 24, 5: 32, 6: 40,
            7: BASE + types, 8: 24, 9: 0, 10: 16,
            11: BASE + ints, 12: 16, 13: 0, 14: 8 if int_off is None else int_off,
            15: BASE + longs, 16: 16, 17: 0, 18: 8, 19: 8}
    for i, v in glob.items():
        struct.pack_into('<Q', mem, 8 * i, v)
    rows = entries if entries is not None else [
        (b'Universe', b'_collectedHeap', 1, 0, BASE + 0x100),
        (b'CollectedHeap', b'_reserved', 0, 32, 0)]
    for k, (tn, fn, st, off, a) in enumerate(rows):
        e = structs + k * max(stride, 48)
        if e + 48 > len(mem):
            break
        struct.pack_into('<QQQiiQQ', mem, e, addr.get(tn, tn if isinstance(tn, int) else 0),
                         addr.get(fn, fn if isinstance(fn, int) else 0), 0, st, 0, off, a)
    struct.pack_into('<QQQ', mem, types, addr[b'CollectedHeap'], 0, 96)
    struct.pack_into('<Qi', mem, ints, addr[b'HeapWordSize'], 8)
    struct.pack_into('<Qq', mem, longs, addr[b'HeapWordSize'], 8)
    return struct.pack('<%dH' % NSYMS, *syms) + bytes(mem), addr


def no_end():
    """Every member of a 16-byte entry at offset 0 or 8, 8,200 entries
    naming one string: the walk must stop at its bound."""
    n = 8200
    mem = bytearray(2 * PAGE + 16 * n)
    struct.pack_into('<4s', mem, PAGE, b'Foo\0')
    glob = [BASE + 2 * PAGE, 16, 0, 8, 0, 8, 8]
    for i, v in enumerate(glob):
        struct.pack_into('<Q', mem, 8 * i, v)
    for k in range(n):
        struct.pack_into('<QQ', mem, 2 * PAGE + 16 * k, BASE + PAGE, BASE + PAGE)
    return struct.pack('<%dH' % NSYMS, *[8 * i for i in range(NSYMS)]) + bytes(mem)


def main():
    out = os.path.join(HERE, 'corpus', 'jvm_vmstructs')
    os.makedirs(out, exist_ok=True)
    seeds = {}
    seeds['good'], addr = build()
    seeds['stride-zero'], _ = build(stride=0)
    seeds['stride-huge'], _ = build(stride=1 << 20)
    seeds['member-past-stride'], _ = build(int_off=4000)
    seeds['name-unterminated'], a = build(name_bytes=b'A' * 400)
    seeds['name-unterminated'], _ = build(entries=[(a[b'raw'], a[b'raw'], 0, 0, 0)],
                                          name_bytes=b'A' * 400)
    seeds['name-binary'], a = build(name_bytes=b'\x01\xff\x00')
    seeds['name-binary'], _ = build(entries=[(a[b'raw'], a[b'Universe'], 0, 0, 0)],
                                    name_bytes=b'\x01\xff\x00')
    seeds['no-end'] = no_end()
    seeds['null-tables'] = struct.pack('<%dH' % NSYMS, *([4000] * NSYMS)) + bytes(PAGE)
    for name, data in seeds.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
