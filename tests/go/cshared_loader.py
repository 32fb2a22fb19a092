#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Loads a Go c-shared library into this (C) process, makes it allocate,
prints `pid N`, `heap ADDR` and `ready`, and waits to be killed."""
import ctypes
import os
import sys
import time

lib = ctypes.CDLL(os.path.abspath(sys.argv[1]))
lib.Allocate.restype = ctypes.c_ulong
addr = lib.Allocate()
print('pid %d' % os.getpid())
print('heap %#x' % addr)
print('ready', flush=True)
while True:
    time.sleep(3600)
