#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A CPython that maps a Go binary as data (for test_hostile.py): the whole
file read-only, the whole file r-x, and its first PT_LOAD alone, r-x, at
offset 0 as a loader would map it (its length is the second argument);
then enough small objects for pymalloc arenas.  Prints `pid N`, `ready`;
then sleeps.

usage: py_mapgo.py GO_BINARY FIRST_LOAD_BYTES"""
import mmap
import os
import sys
import time


def main():
    with open(sys.argv[1], 'rb') as f:
        maps = [mmap.mmap(f.fileno(), 0, prot=prot, flags=mmap.MAP_PRIVATE)
                for prot in (mmap.PROT_READ, mmap.PROT_READ | mmap.PROT_EXEC)]
        maps.append(mmap.mmap(f.fileno(), int(sys.argv[2], 0),
                              prot=mmap.PROT_READ | mmap.PROT_EXEC, flags=mmap.MAP_PRIVATE))
    objects = [bytes(1000) for _ in range(20000)]
    print('pid', os.getpid())
    print('ready', flush=True)
    while maps and objects:
        time.sleep(100)


main()
