#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""reliability: ELF files the target controls cost memmap bounded memory
and never crash it.

  truncate LIB  a Go c-shared library, copied and loaded by a Python
                process, is cut back to its loaded part and restored, again
                and again, while memmap runs: memmap reads it with pread
                only, so no run dies of SIGBUS (the old libdw mapping did)
  names         a 4 MB file whose 65,000 sections all name one 4,000-byte
                string, mapped 3 times: memmap's peak RSS stays under
                PEAK_NAMES (before: 260 MB a mapping), the region's detail
                is cut with " +N more", and the sections still label
  zlib          a 330 KB Go-shaped file whose compressed .debug_info claims
                312 MB (a zlib bomb): memmap's peak RSS stays under
                PEAK_ZLIB (before: 312 MB), with one warning naming the file

Peak RSS is the child's ru_maxrss (wait4).  Under AddressSanitizer the
bounds grow by its shadow and a small quarantine.

usage: test_elffiles.py truncate LIB | names | zlib"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
sys.path.insert(0, os.path.join(HERE, '..', 'fuzz'))
import memmaptest as mt  # noqa: E402
import make_seeds as ms  # noqa: E402

PEAK_NAMES = 96 << 20
PEAK_ZLIB = 64 << 20
ASAN_EXTRA = 256 << 20

# Maps FILE COUNT times as the loader would (each PT_LOAD's file pages at
# its address, private, with its protection), prints ready and waits.
MAPPER = r'''
import ctypes, os, struct, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                      ctypes.c_int, ctypes.c_long]
P = 4096
data = open(sys.argv[1], 'rb').read()
phoff, = struct.unpack_from('<Q', data, 32)
phnum, = struct.unpack_from('<H', data, 56)
loads = []
for i in range(phnum):
    t, f, off, va, pa, fs, ms, al = struct.unpack_from('<IIQQQQQQ', data, phoff + 56 * i)
    if t == 1:
        loads.append((f, off, va, fs))
span = max(va + fs for f, off, va, fs in loads) + P
fd = os.open(sys.argv[1], os.O_RDONLY)
for _ in range(int(sys.argv[2])):
    base = libc.mmap(None, span, 0, 0x22, -1, 0)   # PROT_NONE reservation
    for f, off, va, fs in loads:
        start = va & ~(P - 1)
        length = ((va + fs + P - 1) & ~(P - 1)) - start
        prot = (1 if f & 4 else 0) | (2 if f & 2 else 0) | (4 if f & 1 else 0)
        if libc.mmap(base + start, length, prot, 0x12, fd, off & ~(P - 1)) != base + start:
            sys.exit('mmap: %d' % ctypes.get_errno())
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    last = max(((va + fs + P - 1) & ~(P - 1)) for f, off, va, fs in loads)
    libc.munmap(base + last, span - last)
print('ready', flush=True)
while True:
    time.sleep(100)
'''


def sanitized():
    with open(mt.memmap_path(), 'rb') as f:
        return b'__asan_init' in f.read()


def run_measured(*args, timeout=120):
    """memmap ARGS: (rc or -signal, stdout, stderr, peak RSS in bytes)."""
    env = dict(os.environ)
    if sanitized():
        opts = env.get('ASAN_OPTIONS', '')
        env['ASAN_OPTIONS'] = (opts + ':' if opts else '') + 'quarantine_size_mb=16'
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    p = subprocess.Popen([mt.memmap_path()] + [str(a) for a in args],
                         stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
    deadline = time.monotonic() + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            mt.die('memmap %s still running after %d s' % (args, timeout))
        time.sleep(0.05)
    p.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    return (p.returncode, out.read().decode('utf-8', 'surrogateescape'),
            err.read().decode('utf-8', 'surrogateescape'), ru.ru_maxrss * 1024)


def bound(b):
    return b + (ASAN_EXTRA if sanitized() else 0)


# ---------------------------------------------------------------- files

NSECT = 65000
LONG = 4000
INFLATED = 312 << 20


# ---------------------------------------------------------------- tests

def mapped(t, path, count):
    return mt.Fixture([sys.executable, '-c', MAPPER, path, count], timeout=60)


def names(t):
    with tempfile.TemporaryDirectory(prefix='memmap-elf.') as d:
        path = os.path.join(d, 'names.so')
        with open(path, 'wb') as f:
            f.write(ms.names_bomb(NSECT, LONG))
        t.note('file of %d bytes, %d sections' % (os.path.getsize(path), NSECT))
        with mapped(t, path, 3) as fx:
            rc, out, err, peak = run_measured('-J', fx.pid)
            t.note('exit %d, peak RSS %d KiB' % (rc, peak >> 10))
            t.check(rc in (0, 1), 'names: exit %d (stderr %r)' % (rc, err[:300]))
            t.check(peak < bound(PEAK_NAMES), 'names: peak RSS %d MiB, over %d MiB' %
                    (peak >> 20, bound(PEAK_NAMES) >> 20))
            if rc not in (0, 1):
                return
            import json
            snap = json.loads(out)
            mt.check_snapshot(t, snap, fx.pid)
            maps = [m for m in snap['mappings'] if m.get('path') == path]
            t.check(len(maps) == 3, 'names: the three mappings (%d)' % len(maps))
            for m in maps:
                labels = sorted({r['label'] for r in m['regions']})
                t.check(labels == ['lib.rodata'], 'names: labelled lib.rodata, got %s' % labels)
                detail = ' '.join(r.get('detail') or '' for r in m['regions'])
                t.check(len(detail) < 8192 and ' more' in detail and '...' in detail,
                        'names: detail of %d bytes, cut (%r)' % (len(detail), detail[-60:]))


def zlib_test(t):
    with tempfile.TemporaryDirectory(prefix='memmap-elf.') as d:
        path = os.path.join(d, 'bomb.so')
        with open(path, 'wb') as f:
            f.write(ms.zlib_bomb(INFLATED))
        t.note('file of %d bytes, .debug_info claims %d' % (os.path.getsize(path), INFLATED))
        with mapped(t, path, 1) as fx:
            rc, out, err, peak = run_measured(fx.pid)
            t.note('exit %d, peak RSS %d KiB; stderr %r' % (rc, peak >> 10, err[:400]))
            t.check(rc == 1, 'zlib: exit %d, want 1 (stderr %r)' % (rc, err[:300]))
            t.check(peak < bound(PEAK_ZLIB), 'zlib: peak RSS %d MiB, over %d MiB' %
                    (peak >> 20, bound(PEAK_ZLIB) >> 20))
            # The DWARF is over its budget: never inflated; the runtime is
            # read with the nearest table row or not at all, said once.
            warn = [ln for ln in err.splitlines() if ln.startswith('memmap: warning:')]
            t.check(len(warn) == 1 and path in warn[0] and 'go runtime' in warn[0],
                    'zlib: one warning naming the file (%r)' % err[:400])


def truncate(t, lib):
    if not os.path.exists(lib):
        mt.skip('%s: not built' % lib)
    with tempfile.TemporaryDirectory(prefix='memmap-elf.') as d:
        path = os.path.join(d, 'libgo.so')
        shutil.copy(lib, path)
        with open(path, 'rb') as f:
            whole = f.read()
        loaded = max(s['offset'] + s['filesz'] for s in mt.readelf_segments(path)
                     if s['type'] == 'LOAD')
        cut = (loaded + 4095) & ~4095
        t.check(cut < len(whole), 'truncate: debug info after the loaded part')
        loader = os.path.join(HERE, '..', 'go', 'cshared_loader.py')
        with mt.Fixture([sys.executable, loader, path], timeout=60) as fx:
            stop = threading.Event()

            def flip():
                # Cut back to the loaded part (the target's pages stay
                # valid), then restore: memmap opens the whole file and
                # finds it cut while it reads.
                while not stop.is_set():
                    os.truncate(path, cut)
                    time.sleep(0.002)
                    with open(path, 'r+b') as f:
                        f.seek(cut)
                        f.write(whole[cut:])
                    time.sleep(0.002)

            th = threading.Thread(target=flip)
            th.start()
            rcs = {}
            try:
                deadline = time.monotonic() + 20
                runs = 0
                while time.monotonic() < deadline or runs < 10:
                    rc, out, err, peak = run_measured('-J', fx.pid)
                    rcs[rc] = rcs.get(rc, 0) + 1
                    runs += 1
                    if rc < 0:
                        break
            finally:
                stop.set()
                th.join()
            t.note('%d runs, exits %s' % (runs, rcs))
            t.check(all(rc in (0, 1) for rc in rcs),
                    'truncate: memmap died or failed: exits %s (stderr %r)' % (rcs, err[:300]))
            t.check(fx.proc.poll() is None, 'truncate: the target still runs')
            # Whole again: the Go labels come back.
            with open(path, 'r+b') as f:
                f.seek(cut)
                f.write(whole[cut:])
            snap, rc, err = mt.memmap_json(fx.pid)
            t.check(any(r['label'].startswith('go.') for m in snap['mappings']
                        for r in m['regions']), 'truncate: go.* labels on the whole file')


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ''
    t = mt.Checker('reliability-elf-' + mode)
    if mode == 'names':
        names(t)
    elif mode == 'zlib':
        zlib_test(t)
    elif mode == 'truncate' and len(sys.argv) > 2:
        truncate(t, sys.argv[2])
    else:
        mt.die(__doc__)
    t.done()


if __name__ == '__main__':
    main()
