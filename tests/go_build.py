#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Builds one single-file Go fixture: a plain `go build` without cgo, in
GOPATH mode, its build cache and GOPATH beside the output (nothing outside
the build directory is touched).  Shared by tests/diff and tests/bench.

    go_build.py GO OUTPUT SOURCE.go
"""

import os
import sys


def main():
    go, out, src = sys.argv[1:4]
    here = os.path.dirname(os.path.abspath(out))
    env = dict(os.environ)
    env.update({
        'GOCACHE': os.path.join(here, 'gocache'),
        'GOPATH': os.path.join(here, 'gopath'),
        'GOTOOLCHAIN': 'local',
        'GO111MODULE': 'off',
        'CGO_ENABLED': '0',
    })
    env.pop('GOROOT', None)
    os.execve(go, [go, 'build', '-o', out, src], env)


if __name__ == '__main__':
    main()
