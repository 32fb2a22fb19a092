#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Loads completions/memmap.fish into fish and asks it (`complete -C`) what
it offers for a few command lines, including the PID and name of a process
this test started."""

import os
import subprocess
import tempfile

from common import (BRIEF_COLUMNS, COMPLETIONS, Target, check, check_table,
                    finish, list_columns, need_shell, shell_env)

SCRIPT = '''
source $argv[1]
for line in $argv[2..-1]
    echo @@case
    complete -C $line
end
'''


def run(lines, env):
    r = subprocess.run(['fish', '--no-config', '-c', SCRIPT,
                        os.path.join(COMPLETIONS, 'memmap.fish')] + lines,
                       capture_output=True, text=True, env=env, timeout=120)
    if r.stderr.strip():
        print('fish stderr:\n' + r.stderr)
    cases = r.stdout.split('@@case\n')[1:]
    out = []
    for c in cases:
        out.append([tuple(ln.split('\t', 1)) if '\t' in ln else (ln, '')
                    for ln in c.splitlines() if ln])
    while len(out) < len(lines):
        out.append([])
    return r.returncode, out


def main():
    need_shell('fish')
    env = shell_env()
    columns = list_columns()

    # A HOME of its own: fish keeps history and universal variables there.
    with tempfile.TemporaryDirectory() as home, Target() as t:
        env['HOME'] = home
        for v in ('XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME'):
            env.pop(v, None)
        pid = str(t.pid)
        snap = os.path.join(home, 'snap-before.json')
        open(snap, 'w').close()
        lines = ['memmap --js', 'memmap --color=al', 'memmap ' + pid[:-1],
                 'memmap ' + t.name[:6], 'memmap -o ', 'memmap -o +VSZ,R',
                 'memmap --output=LA', 'memmap -s PS', 'memmap --proc-root=/us',
                 'memmap --no', 'memmap --summary -o ', 'memmap -s ',
                 'memmap --label=heap,go.h', 'memmap --sv',
                 'memmap --diff=%s/snap-b' % home,
                 'memmap --diff %s %s/snap-b' % (snap, home)]
        rc, got = run(lines, env)
    for line, g in zip(lines, got):
        print('%-24s -> %s' % (line, g[:8]))

    def matches(i):
        return [m for m, _ in got[i]]

    check(rc == 0, 'fish ran the completion (exit %d)' % rc)
    check('--json' in matches(0), '--js -> --json')
    check('--color=always' in matches(1), '--color=al -> --color=always')
    pids = dict(got[2])
    check(pids.get(pid) == t.name, '%s -> our target %s described as %s (%r)'
          % (pid[:-1], pid, t.name, pids.get(pid)))
    check(t.name in matches(3), '%s -> our target\'s name %s'
          % (t.name[:6], t.name))
    check_table(matches(4), 'map', '-o')
    check_table(matches(10), 'sum', '--summary -o')
    offered = set(matches(11))
    # memmap's own list when it runs, else the built-in list covers the brief
    want = columns if columns else BRIEF_COLUMNS
    check(offered == want if columns else want <= offered, '-s offers the columns memmap lists (missing %s, '
          'extra %s)' % (sorted(want - offered), sorted(offered - want)))
    check(all(d for _, d in got[11]), 'every column has a description')
    r = set(matches(5))
    check('+VSZ,RSS' in r and '+VSZ,VSZ' not in r, '-o +VSZ,R -> +VSZ,RSS')
    check(matches(6) == ['--output=LABEL'], '--output=LA -> --output=LABEL')
    check(matches(7) == ['PSS'], '-s PS -> PSS')
    check('--proc-root=/usr/' in matches(8), '--proc-root=/us -> /usr/')
    check({'--noheadings', '--notruncate'} <= set(matches(9)),
          '--no -> --noheadings --notruncate')
    r = set(matches(12))
    check({'--label=heap,go.heap', '--label=heap,go.heap-index'} <= r,
          '--label=heap,go.h -> --label=heap,go.heap ...')
    check(matches(13) == ['--svg'], '--sv -> --svg')
    check(matches(14) == ['--diff=%s' % snap], '--diff=DIR/snap-b -> the file')
    check(snap in matches(15), '--diff A DIR/snap-b -> the after file')
    finish()


if __name__ == '__main__':
    main()
