#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A CPython with fake pymalloc pool headers (for test_hostile.py): in an
anonymous private mmap of its own, runs of pool headers (3.10+ geometry:
16 KiB pools, size class 0) that are valid one by one but name arenas the
arena table does not hold there: the indices in argv[1] (comma-separated;
0 is a real arena's, elsewhere; 9 is unused; 7777 is past the table).
Prints `fake START END` (the mapping), `object
ADDR` (a float's id(): in a real arena), `pid N`, `ready`; then sleeps."""
import ctypes
import mmap
import os
import sys
import time

POOL = 16 << 10
W = ctypes.c_uint64


def header(p, index):
    """A pool of size class 0 (16 bytes): one block used, none freed."""
    W.from_address(p).value = 1                          # ref.count
    W.from_address(p + 8).value = 0                      # freeblock
    W.from_address(p + 16).value = 0                     # nextpool
    W.from_address(p + 24).value = 0                     # prevpool
    W.from_address(p + 32).value = index                 # arenaindex, szidx 0
    W.from_address(p + 40).value = 80 | (POOL - 16) << 32  # nextoffset, max


def main():
    length = 64 * POOL
    m = mmap.mmap(-1, length, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    base = ctypes.addressof(ctypes.c_char.from_buffer(m))
    first = (base + POOL - 1) & ~(POOL - 1)
    p = first
    for index in (int(x) for x in sys.argv[1].split(',')):
        for _ in range(8):
            header(p, index)
            p += 2 * POOL       # a gap: no other rule joins them
    obj = 1.5 + len(os.environ)
    print('fake %#x %#x' % (base, base + length))
    print('object %#x' % id(obj))
    print('pid', os.getpid())
    print('ready', flush=True)
    while True:
        time.sleep(100)


main()
