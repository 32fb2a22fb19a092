# SPDX-License-Identifier: GPL-2.0-or-later
"""A python3 target for test_python.py: four threads, each making many small
objects of its own (ints, floats, short strings, tuples: all from pymalloc),
then reporting, from inside itself:

  version MAJOR MINOR
  frame TID ADDR   (3.11+) the _PyInterpreterFrame of the thread's running
                   function (PyFrameObject.f_frame, at offset 24 in
                   3.11-3.13), which lives in the thread's datastack chunk;
                   one thread reports its outer frame and one 400 calls
                   deeper, in another chunk
  ids FILE N       the addresses (id()) of N small objects, native-endian
                   uint64 in FILE
  stats FILE       sys._debugmallocstats() output (arena counts)

then `ready`, and waits until killed.  argv[1]: a directory for the files.
"""

import array
import ctypes
import os
import sys
import threading
import time

out = sys.argv[1]
lock = threading.Lock()
made = threading.Barrier(5)
done = threading.Event()
keep = []
frames = []
has_datastack = sys.version_info >= (3, 11)
native_id = getattr(threading, 'get_native_id', lambda: 0)   # 3.8+


def running_frame():
    f = sys._getframe(1)
    return ctypes.c_void_p.from_address(id(f) + 24).value if has_datastack else 0


def small_objects(seed, n):
    # Only objects created here: nothing static, nothing from the image.
    return [(seed * 1000003 + i, float(i) + 0.5, 'o%d-%d' % (seed, i))
            for i in range(n)]


def deep(n, outer):
    # Deep enough that the frames fill more than one 16 KiB chunk.
    if n:
        return deep(n - 1, outer)
    with lock:
        frames.append((native_id(), outer))
        frames.append((native_id(), running_frame()))
    made.wait()
    done.wait()


def worker(seed):
    objs = small_objects(seed, 40000)
    iframe = running_frame()
    with lock:
        keep.append(objs)
    if seed == 4:
        deep(400, iframe)
        return
    with lock:
        frames.append((native_id(), iframe))
    made.wait()
    done.wait()


threads = [threading.Thread(target=worker, args=(s,), daemon=True)
           for s in range(1, 5)]
for t in threads:
    t.start()
made.wait()
frames.append((native_id(), running_frame()))
ids = array.array('Q')
for objs in keep:
    for tup in objs:
        ids.append(id(tup))
        for o in tup:
            ids.append(id(o))
path = os.path.join(out, 'ids')
with open(path, 'wb') as fh:
    ids.tofile(fh)
stats = os.path.join(out, 'stats')
fd = os.open(stats, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
saved = os.dup(2)
sys.stderr.flush()
os.dup2(fd, 2)
sys._debugmallocstats()
os.dup2(saved, 2)
os.close(fd)
os.close(saved)
print('pid %d' % os.getpid())
print('version %d %d' % sys.version_info[:2])
for tid, addr in frames:
    if has_datastack:
        print('frame %d %#x' % (tid, addr))
print('ids %s %d' % (path, len(ids)))
print('stats %s' % stats)
print('ready', flush=True)
while True:
    time.sleep(3600)
