#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A CPython whose own lists loop (for test_hostile.py): the current thread
state's `next` (its second word, 3.11+) points at itself, and its
frame-stack chunk's `previous` at itself (the chunk: the page-aligned
pointer in the thread state whose target says "no previous chunk, 16 KiB").
CPython walks neither while it sleeps.  Prints `chunk ADDR`, `pid N`,
`ready`; then sleeps."""
import ctypes
import os
import time

W = ctypes.c_uint64


def rw_ranges():
    r = []
    with open('/proc/self/maps') as f:
        for line in f:
            words = line.split()
            if words[1].startswith('rw'):
                a, b = words[0].split('-')
                r.append((int(a, 16), int(b, 16)))
    return r


def find_chunk(ts):
    rw = rw_ranges()
    for off in range(0, 1024, 8):
        p = W.from_address(ts + off).value
        if p and p % 4096 == 0 and any(a <= p and p + 24 <= b for a, b in rw) \
                and W.from_address(p + 8).value == 16384 and W.from_address(p).value == 0:
            return p
    return None


def main():
    get = ctypes.pythonapi.PyThreadState_Get
    get.restype = ctypes.c_void_p
    ts = get()
    chunk = find_chunk(ts)
    print('chunk', hex(chunk) if chunk else 'none')
    W.from_address(ts + 8).value = ts
    if chunk:
        W.from_address(chunk).value = chunk
    print('pid', os.getpid())
    print('ready', flush=True)
    while True:
        time.sleep(100)


main()
