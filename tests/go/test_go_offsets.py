#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The generated offset table (src/runtimes/go/go_offsets.c) against the
DWARF of every toolchain this build made fixtures with.

    test_go_offsets.py BINARY...     (each TAG-idle, unstripped)

Runs scripts/gen-go-offsets --check: each toolchain must have its rows in
the table, equal to what gdb reads from that toolchain's binary.
"""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402


def main():
    if not shutil.which('gdb'):
        mt.skip('gdb is not installed: no DWARF reader to check the table with')
    binaries = [b for b in sys.argv[1:] if os.path.exists(b)]
    if not binaries:
        mt.skip('no Go toolchain built fixtures')
    src = os.environ['MEMMAP_SOURCE']
    p = subprocess.run([sys.executable, os.path.join(src, 'scripts/gen-go-offsets'), '--check',
                        os.path.join(src, 'src/runtimes/go/go_offsets.c')] + binaries,
                       capture_output=True, text=True, timeout=300)
    print(p.stdout, end='')
    if p.returncode != 0:
        mt.die('go_offsets.c differs from the DWARF (regenerate with scripts/gen-go-offsets):\n' +
               p.stdout + p.stderr)


if __name__ == '__main__':
    main()
