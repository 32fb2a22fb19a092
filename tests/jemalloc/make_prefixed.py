#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Builds the jemalloc fixture as redis builds itself: Debian's libjemalloc.a
linked in with its public names prefixed je_ (je_malloc, je_mallctl ...),
so the program calls jemalloc while libc keeps glibc's malloc.  The names
are the archive's own defined C symbols (nm), renamed with objcopy in the
archive and in the fixture's object alike.

Usage: make_prefixed.py OUT FIXTURE.c STRIP(yes|no) CC...
"""
import os
import subprocess
import sys
import tempfile


def main():
    out, src, strip, cc = sys.argv[1], sys.argv[2], sys.argv[3] == 'yes', sys.argv[4:]
    lib = subprocess.run(cc + ['-print-file-name=libjemalloc.a'], capture_output=True,
                         text=True, check=True).stdout.strip()
    if not os.path.isabs(lib):
        sys.exit('make_prefixed: no libjemalloc.a')
    nm = subprocess.run(['nm', '-g', '--defined-only', lib], capture_output=True,
                        text=True, check=True).stdout
    names = sorted({f[2] for f in (line.split() for line in nm.splitlines())
                    if len(f) == 3 and f[1] in 'TDBVW' and
                    not f[2].startswith(('je_', '_Z', 'DW.'))})
    with tempfile.TemporaryDirectory(prefix='jemalloc-prefixed-') as tmp:
        syms = os.path.join(tmp, 'prefix.syms')
        with open(syms, 'w') as f:
            f.writelines('%s je_%s\n' % (n, n) for n in names)
        obj, arc = os.path.join(tmp, 'fixture.o'), os.path.join(tmp, 'libjemalloc_je.a')
        subprocess.run(cc + ['-O1', '-c', '-o', obj, src], check=True)
        for path in (obj, lib):
            dst = obj if path == obj else arc
            subprocess.run(['objcopy', '--redefine-syms=' + syms, path, dst], check=True)
        subprocess.run(cc + ['-o', out, obj, arc, '-lm', '-lpthread'] +
                       (['-s'] if strip else []), check=True)


if __name__ == '__main__':
    main()
