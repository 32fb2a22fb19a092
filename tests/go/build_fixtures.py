#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Builds the Go fixtures with one toolchain into the build directory.

    build_fixtures.py GO SRCDIR OUTDIR TAG

Writes OUTDIR/TAG-idle, -bigheap, -cgo (unstripped, with DWARF),
TAG-stripped (idle with -ldflags='-s -w'), TAG-memstats and
TAG-memstats-stripped (runtime.ReadMemStats's truth), TAG-pie (idle, -buildmode=pie),
TAG-cgostatic (cgo linked statically)
and TAG-cshared.so (a Go runtime for a C program, -buildmode=c-shared);
from Go 1.26 also TAG-pie-stripped (the PIE with -s -w) and TAG-nobuildinfo: the stripped build with its
.go.buildinfo section header renamed away, as some shipped binaries are.  The Go build cache and GOPATH
live in OUTDIR so nothing outside the build directory is touched.
"""

import os
import subprocess
import sys


def main():
    go, src, out, tag = sys.argv[1:5]
    out = os.path.abspath(out)
    env = dict(os.environ)
    env.update({
        'GOCACHE': os.path.join(out, 'gocache-' + tag),
        'GOPATH': os.path.join(out, 'gopath-' + tag),
        'GOTOOLCHAIN': 'local',
        'GOFLAGS': '-buildvcs=false',
        'GOPROXY': 'off',
        'GOTELEMETRY': 'off',
        'GO111MODULE': 'on',
        'CGO_ENABLED': '1',
    })
    env.pop('GOROOT', None)
    builds = [
        ('idle', 'idle', []),
        ('bigheap', 'bigheap', []),
        ('cgo', 'cgo', []),
        ('memstats', 'memstats', []),
        ('memstats-stripped', 'memstats', ['-ldflags=-s -w']),
        ('stripped', 'idle', ['-ldflags=-s -w']),
        ('pie', 'idle', ['-buildmode=pie']),
        ('cshared.so', 'cshared', ['-buildmode=c-shared']),
        # cgo linked statically: no .dynsym, yet runtime/cgo is in.
        ('cgostatic', 'cgo', ['-ldflags=-linkmode=external -extldflags=-static']),
    ]
    for name, pkg, flags in builds:
        target = os.path.join(out, '%s-%s' % (tag, name))
        cmd = [go, 'build'] + flags + ['-o', target, '.']
        r = subprocess.run(cmd, cwd=os.path.join(src, pkg), env=env)
        if r.returncode != 0:
            print('build_fixtures: %s failed' % ' '.join(cmd), file=sys.stderr)
            sys.exit(1)
    ver = subprocess.run([go, 'env', 'GOVERSION'], env=env, capture_output=True,
                         text=True).stdout.strip()
    minor = int(ver[len('go1.'):].split('.')[0]) if ver.startswith('go1.') else 0
    if minor >= 26:
        # Stripped PIE: the text start in .go.module is relocated at load.
        target = os.path.join(out, tag + '-pie-stripped')
        cmd = [go, 'build', '-buildmode=pie', '-ldflags=-s -w', '-o', target, '.']
        if subprocess.run(cmd, cwd=os.path.join(src, 'idle'), env=env).returncode != 0:
            print('build_fixtures: %s failed' % ' '.join(cmd), file=sys.stderr)
            sys.exit(1)
        target = os.path.join(out, tag + '-nobuildinfo')
        cmd = ['objcopy', '--rename-section', '.go.buildinfo=.data.x',
               os.path.join(out, tag + '-stripped'), target]
        if subprocess.run(cmd).returncode != 0:
            print('build_fixtures: %s failed' % ' '.join(cmd), file=sys.stderr)
            sys.exit(1)


if __name__ == '__main__':
    main()
