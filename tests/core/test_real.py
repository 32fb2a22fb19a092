#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""core: memmap -J on programs nobody here wrote (sleep, python3): regions
tile the mappings, totals reconcile with /proc/PID/status, every allocated
section of the executable and of each shared library carries its label,
and the kernel's named mappings carry theirs.

usage: test_real.py [basic|sections]
  basic: tiling, totals, /proc/PID/smaps, kernel names, and .text of the
         executable and of libc (exe.text, lib.text naming libc.so.6)
  sections: every allocated section of every ELF file mapped"""
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402


def is_elf(path):
    try:
        with open(path, 'rb') as f:
            return f.read(4) == b'\x7fELF'
    except OSError:
        return False


def inspect(t, argv, part):
    with mt.Process(argv) as p:
        snap, rc, err = mt.memmap_json(p.pid)
        name = os.path.basename(argv[0])
        t.eq(rc, 0, '%s: exit code (stderr: %s)' % (name, err.strip()))
        truth = mt.proc_maps(p.pid)
        exe = os.readlink('/proc/%d/exe' % p.pid)
        libs = sorted({x['path'] for x in truth if x['path'] and
                       x['path'] != exe and x['path'].startswith('/') and
                       is_elf('/proc/%d/root%s' % (p.pid, x['path']))})
        libc = [lib for lib in libs if os.path.basename(lib) == 'libc.so.6']
        t.check(libc, '%s: libc.so.6 is not mapped' % name)

        if part == 'basic':
            mt.check_snapshot(t, snap, p.pid)
            mt.check_vs_smaps(t, snap, p.pid)
            mt.check_vs_pmap(t, snap, p.pid)
            t.eq(snap['exe'], exe, '%s: exe' % name)
            t.eq(mt.check_elf_image(t, snap, exe, 'exe', pid=p.pid,
                                    only={'.text'}), 1, '%s: .text checked' % name)
            for lib in libc:
                t.eq(mt.check_elf_image(t, snap, lib, 'lib', pid=p.pid,
                                        must_mention='libc.so.6',
                                        only={'.text'}), 1,
                     '%s: libc .text checked' % name)
            seen = mt.check_kernel_names(t, snap)
            for k in ('[stack]', '[vdso]', '[vvar]'):
                t.check(k in seen, '%s: no %s mapping in the snapshot' % (name, k))
            return

        n = mt.check_elf_image(t, snap, exe, 'exe', pid=p.pid)
        t.note('%s: %d sections of %s checked' % (name, n, exe))
        for lib in libs:
            n = mt.check_elf_image(t, snap, lib, 'lib', pid=p.pid,
                                   must_mention=os.path.basename(lib))
            t.note('%s: %d sections of %s checked' % (name, n, lib))


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else 'basic'
    t = mt.Checker('core-real-' + part)
    sleep = shutil.which('sleep') or mt.die('no sleep(1)')
    inspect(t, [sleep, '1000'], part)
    inspect(t, [sys.executable, '-c', 'import time; time.sleep(1000)'], part)
    t.done()


if __name__ == '__main__':
    main()
