#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""house: every source file git tracks names its licence, as meson.build
declares it: an `SPDX-License-Identifier: GPL-2.0-or-later` line near the
top (after a #! or #compdef line).  Fails with each file that lacks it.

usage: check_spdx.py [SOURCE_DIR]"""
import os
import subprocess
import sys

TAG = 'SPDX-License-Identifier: GPL-2.0-or-later'
SOURCES = ('.c', '.h', '.py', '.go', '.sh', '.bash', '.fish')
NAMES = ('meson.build', 'meson_options.txt', '_memmap')


def is_source(path):
    base = os.path.basename(path)
    if path.startswith('tests/fuzz/corpus/'):
        return False
    if base.endswith(SOURCES) or base in NAMES:
        return True
    if path.startswith(('scripts/', '.ci/')) or path.endswith('/run'):
        try:
            with open(path, 'rb') as f:
                return f.read(2) == b'#!'
        except OSError:
            return False
    return False


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', '..')
    os.chdir(top)
    try:
        files = subprocess.check_output(['git', 'ls-files'], text=True).split()
    except (OSError, subprocess.CalledProcessError):
        print('not a git checkout: nothing to check')
        sys.exit(77)
    missing = []
    n = 0
    for f in files:
        if not os.path.isfile(f) or not is_source(f):
            continue
        n += 1
        with open(f, encoding='utf-8', errors='replace') as fh:
            head = ''.join(fh.readline() for _ in range(3))
        if TAG not in head:
            missing.append(f)
    for f in missing:
        print('FAIL: %s: no "%s" in its first lines' % (f, TAG), file=sys.stderr)
    if missing:
        sys.exit(1)
    print('house-spdx: %d source files, each with its licence line' % n)


if __name__ == '__main__':
    main()
