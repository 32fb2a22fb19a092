#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Loads completions/memmap.bash into bash (after bash-completion, as an
interactive shell would) and checks what _memmap offers for a few command
lines, including the PID and name of a process this test started."""

import os
import shlex
import subprocess
import sys

from common import (BRIEF_COLUMNS, COMPLETIONS, Target, check, check_table,
                    finish, list_columns, need_shell, shell_env)

BASH_COMPLETION = '/usr/share/bash-completion/bash_completion'


def script(cases):
    """A bash script that completes each case and prints the replies
    between markers.  A case is the words bash would split the line into
    (COMP_WORDBREAKS splits at '='), the last being the word completed."""
    out = ['source %s' % shlex.quote(BASH_COMPLETION),
           'source %s' % shlex.quote(os.path.join(COMPLETIONS, 'memmap.bash')),
           'echo "@@complete-p $(complete -p memmap)"']
    for i, words in enumerate(cases):
        line = ''
        for j, w in enumerate(words):
            # '=' is its own word; it joins its neighbours without spaces
            if j == 0 or w == '=' or words[j - 1] == '=':
                line += w
            else:
                line += ' ' + w
        out += ['COMP_WORDS=(%s)' % ' '.join(shlex.quote(w) for w in words),
                'COMP_CWORD=%d' % (len(words) - 1),
                'COMP_LINE=%s' % shlex.quote(line),
                'COMP_POINT=${#COMP_LINE}',
                'COMPREPLY=()',
                # compopt complains outside a real completion: harmless
                '_memmap memmap "${COMP_WORDS[COMP_CWORD]}" '
                '"${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null',
                'echo "@@case %d"' % i,
                'printf "%s\\n" "${COMPREPLY[@]}"']
    out.append('echo "@@end"')
    return '\n'.join(out) + '\n'


def run(cases, env):
    r = subprocess.run(['bash', '--norc', '--noprofile'], input=script(cases),
                       capture_output=True, text=True, env=env, timeout=120)
    if r.stderr.strip():
        print('bash stderr:\n' + r.stderr)
    replies = {}
    header = ''
    cur = None
    for ln in r.stdout.splitlines():
        if ln.startswith('@@complete-p'):
            header = ln
        elif ln.startswith('@@case '):
            cur = int(ln.split()[1])
            replies[cur] = []
        elif ln == '@@end':
            cur = None
        elif cur is not None and ln:
            replies[cur].append(ln)
    return header, [replies.get(i, []) for i in range(len(cases))]


def main():
    need_shell('bash')
    if not os.path.exists(BASH_COMPLETION):
        print('FAIL: %s missing: install bash-completion '
              '(scripts/install-deps)' % BASH_COMPLETION)
        sys.exit(1)
    env = shell_env()
    columns = list_columns()
    print('memmap --list-columns --raw: %s' %
          (sorted(columns) if columns is not None else 'not runnable'))

    with Target() as t:
        pid = str(t.pid)
        cases = [
            ['memmap', '--js'],
            ['memmap', '--color', '=', 'al'],
            ['memmap', '--color', '=', ''],
            ['memmap', pid[:-1]],
            ['memmap', pid],
            ['memmap', t.name[:6]],
            ['memmap', '-o', ''],
            ['memmap', '-o', '+VSZ,R'],
            ['memmap', '--output', '=', 'lab'],
            ['memmap', '-s', 'ps'],
            ['memmap', '--proc-root', '=', '/us'],
            ['memmap', '--no'],
            ['memmap', '-J', '--summ'],
            ['memmap', '--summary', '-o', ''],
            ['memmap', '-s', ''],
            ['memmap', '--label', '=', 'heap,go.h'],
            ['memmap', '--label', 'go.'],
            ['memmap', '--diff', '=', '/us'],
        ]
        header, got = run(cases, env)

    check(header.split()[-2:] == ['_memmap', 'memmap'] and '-F' in header,
          'complete -p memmap registers _memmap (%r)' % header)
    check('--json' in got[0], '--js -> --json (%s)' % got[0])
    check('always' in got[1], '--color=al -> always (%s)' % got[1])
    check(set(got[2]) == {'auto', 'always', 'never'},
          '--color= -> auto always never (%s)' % got[2])
    check(pid in got[3], '%s -> our target %s (%d replies)'
          % (pid[:-1], pid, len(got[3])))
    check(pid in got[4] and all(g.startswith(pid) for g in got[4]),
          '%s -> itself and only PIDs it prefixes (%s)' % (pid, got[4]))
    check(t.name in got[5], '%s -> our target\'s name %s (%s)'
          % (t.name[:6], t.name, got[5]))
    check_table(got[6], 'map', '-o')
    check_table(got[13], 'sum', '--summary -o')
    # memmap's own list when it runs, else the built-in list covers the brief
    want = columns if columns else BRIEF_COLUMNS
    check(set(got[14]) == want if columns else want <= set(got[14]), '-s offers the columns memmap lists '
          '(missing %s, extra %s)' % (sorted(want - set(got[14])),
                                      sorted(set(got[14]) - want)))
    check('+VSZ,RSS' in got[7] and not any(c.endswith(',VSZ') for c in got[7]),
          '-o +VSZ,R -> +VSZ,RSS (%s)' % got[7])
    check(got[8] == ['LABEL'], '--output=lab -> LABEL (%s)' % got[8])
    check(got[9] == ['PSS'], '-s ps -> PSS (%s)' % got[9])
    check('/usr' in got[10], '--proc-root=/us -> /usr (%s)' % got[10])
    check('--noheadings' in got[11] and '--notruncate' in got[11],
          '--no -> --noheadings --notruncate (%s)' % got[11])
    check(got[12] == ['--summary'], '-J --summ -> --summary (%s)' % got[12])

    check('heap,go.heap' in got[15] and 'heap,go.heap-index' in got[15],
          '--label=heap,go.h -> heap,go.heap ... (%s)' % got[15])
    check('go.\\*' in got[16], '--label go. -> go.\\* escaped (%s)' % got[16])
    check('/usr/' in got[17] or '/usr' in got[17], '--diff=/us -> /usr (%s)'
          % got[17])

    # With memmap not runnable the built-in list still works.
    env2 = dict(env, PATH='/nonexistent:/usr/bin:/bin')
    _, got2 = run([['memmap', '-o', 'AD']], env2)
    check(got2[0] == ['ADDRESS'], 'without memmap, -o AD -> ADDRESS (%s)'
          % got2[0])
    finish()


if __name__ == '__main__':
    main()
