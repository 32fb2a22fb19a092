# SPDX-License-Identifier: GPL-2.0-or-later
"""A python3 target for test_python.py: four threads (one with a name set
through the kernel, one with a 1 MiB stack), each reporting its own stack
from pthread_getattr_np and making a small malloc through ctypes (which
gives it a glibc arena).  Prints `thread TID NAME LOW SIZE GUARD`, `small
TID PTR`, then `ready`, and sleeps until killed."""

import ctypes
import os
import threading
import time

libc = ctypes.CDLL('libc.so.6', use_errno=True)
libc.pthread_self.restype = ctypes.c_ulong
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
lock = threading.Lock()
started = threading.Barrier(5)


def report(name):
    attr = ctypes.create_string_buffer(128)
    low = ctypes.c_void_p()
    size = ctypes.c_size_t()
    guard = ctypes.c_size_t()
    if libc.pthread_getattr_np(ctypes.c_ulong(libc.pthread_self()), attr) != 0 or \
            libc.pthread_attr_getstack(attr, ctypes.byref(low), ctypes.byref(size)) != 0 or \
            libc.pthread_attr_getguardsize(attr, ctypes.byref(guard)) != 0:
        raise OSError(ctypes.get_errno(), 'pthread_getattr_np')
    libc.pthread_attr_destroy(attr)
    ptr = libc.malloc(64)
    tid = threading.get_native_id()
    with lock:
        print('thread %d %s %#x %d %d' % (tid, name, low.value, size.value,
                                           guard.value))
        print('small %d %#x' % (tid, ptr), flush=True)


def worker(name):
    if name != '-':
        # Python's own name is not the kernel's: set comm too.
        libc.pthread_setname_np(ctypes.c_ulong(libc.pthread_self()),
                                name.encode())
    report(name)
    started.wait()
    while True:
        time.sleep(3600)


print('pid %d' % os.getpid(), flush=True)
threads = []
for i, name in enumerate(['-', 'py-named', '-', '-']):
    if i == 2:
        threading.stack_size(1 << 20)
    t = threading.Thread(target=worker, args=(name,), daemon=True)
    t.start()
    threads.append(t)
    threading.stack_size(0)
started.wait()
print('ready', flush=True)
while True:
    time.sleep(3600)
