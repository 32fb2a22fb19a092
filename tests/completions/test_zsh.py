#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Loads completions/_memmap into an interactive `zsh -f` (on a pseudo-
terminal, with compinit) and drives real completion: for each command line
it presses TAB and records every match the completion system adds (a
wrapper around compadd writes them, with their descriptions, to a file)."""

import os
import pty
import select
import subprocess
import sys
import tempfile
import time

from common import (BRIEF_COLUMNS, COMPLETIONS, Target, check, check_table,
                    finish, list_columns, need_shell, shell_env)

SETUP = r'''
unsetopt zle_bracketed_paste 2>/dev/null
PS1='%%%% ' RPS1= PROMPT_EOL_MARK=
fpath=(%(completions)s $fpath)
autoload -Uz compinit && compinit -u -D
zstyle ':completion:*' completer _complete
zstyle ':completion:*' menu no
# Records what the completion functions add: match, TAB, description.
compadd() {
	if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
		builtin compadd "$@"
		return
	fi
	local -a __hits __dscr
	local __d
	if (( $@[(I)-d] )); then
		__d=${@[$(( ${@[(i)-d]} + 1 ))]}
		if [[ $__d == \(* ]]; then
			eval "__dscr=$__d"
		else
			__dscr=("${(@P)__d}")
		fi
	fi
	builtin compadd -A __hits -D __dscr "$@"
	local __i
	for (( __i = 1; __i <= $#__hits; __i++ )); do
		print -r -- "$__hits[__i]"$'\t'"${__dscr[__i]}" >> %(capture)s
	done
	builtin compadd "$@"
}
_capture_done() { print -r -- '@@done' >> %(capture)s }
_capture_tab() { comppostfuncs=(_capture_done); zle complete-word }
zle -N _capture_tab
bindkey '^I' _capture_tab
print -r -- '@@ready' >> %(capture)s
'''


class Zsh:
    def __init__(self, env, capture):
        self.capture = capture
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe('zsh', ['zsh', '-f', '-i'], env)
        self.transcript = b''

    def drain(self, secs):
        end = time.time() + secs
        while True:
            left = end - time.time()
            if left <= 0:
                return
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    return
                if not data:
                    return
                self.transcript += data

    def write(self, s):
        os.write(self.fd, s.encode())

    def wait_for(self, marker, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            self.drain(0.05)
            with open(self.capture) as f:
                text = f.read()
            if marker in text.splitlines():
                return text
        return None

    def complete(self, line):
        """The matches offered for `line` + TAB, as (match, description)."""
        open(self.capture, 'w').close()
        self.write(line + '\t')
        text = self.wait_for('@@done')
        # Ctrl-U kills the line whatever the completion inserted.
        self.write('\x15')
        self.drain(0.1)
        if text is None:
            return None
        out = []
        for ln in text.splitlines():
            if ln == '@@done':
                continue
            m, _, d = ln.partition('\t')
            out.append((m, d))
        return out

    def close(self):
        try:
            os.kill(self.pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def main():
    need_shell('zsh')
    env = shell_env()
    env['TERM'] = 'xterm'
    env.pop('ZDOTDIR', None)
    columns = list_columns()

    with tempfile.TemporaryDirectory() as tmp, Target() as t:
        capture = os.path.join(tmp, 'capture')
        open(capture, 'w').close()
        env['HOME'] = tmp
        z = Zsh(env, capture)
        try:
            # Sourced, not typed: TAB typed at the prompt would complete.
            rc = os.path.join(tmp, 'setup.zsh')
            with open(rc, 'w') as f:
                f.write(SETUP % {'completions': COMPLETIONS, 'capture': capture})
            z.write('source %s\n' % rc)
            if z.wait_for('@@ready') is None:
                print('zsh did not start; transcript:\n%s' %
                      z.transcript.decode(errors='replace')[-3000:])
                sys.exit(1)
            z.drain(0.3)
            pid = str(t.pid)
            snapfile = os.path.join(tmp, 'snap-before.json')
            open(snapfile, 'w').close()
            got = {}
            for line in ['memmap --js', 'memmap --color=al', 'memmap ' + pid[:-1],
                         'memmap ' + t.name[:6], 'memmap -o ', 'memmap -o +VSZ,R',
                         'memmap --output=LA', 'memmap -s PS', 'memmap --proc-root=/us',
                         'memmap --no', 'memmap --summary -o ', 'memmap -s ',
                         'memmap --label=heap,go.h', 'memmap --sv',
                         'memmap -s ps', 'memmap -o +vsz,dir',
                         'memmap --diff %s/snap-b' % tmp,
                         'memmap --diff %s %s/snap-b' % (snapfile, tmp)]:
                got[line] = z.complete(line)
                print('%-24s -> %s' % (line, (got[line] or [])[:12]))
        finally:
            z.close()
    # Whatever a completion function complains about lands on the terminal.
    errors = [ln for ln in z.transcript.decode(errors='replace').splitlines()
              if 'bad option' in ln or 'bad pattern' in ln or
              'command not found' in ln or ('_' in ln and ':' in ln and
                                            'error' in ln.lower())]
    check(not errors, 'zsh printed no completion errors (%r)' % errors[:3])

    def matches(line):
        return [m for m, _ in got[line] or []]

    check(got['memmap --js'] is not None, 'completion ran (comppostfuncs fired)')
    check('--json' in matches('memmap --js'), '--js -> --json')
    check('always' in matches('memmap --color=al'), '--color=al -> always')
    pids = dict(got['memmap ' + pid[:-1]] or [])
    check(pid in pids, '%s -> our target %s' % (pid[:-1], pid))
    check(t.name in pids.get(pid, ''),
          'PID %s described with its command name %s (%r)'
          % (pid, t.name, pids.get(pid)))
    check(t.name in matches('memmap ' + t.name[:6]),
          '%s -> our target\'s name %s' % (t.name[:6], t.name))
    check_table(matches('memmap -o '), 'map', '-o')
    check_table(matches('memmap --summary -o '), 'sum', '--summary -o')
    offered = set(matches('memmap -s '))
    # memmap's own list when it runs, else the built-in list covers the brief
    want = columns if columns else BRIEF_COLUMNS
    check(offered == want if columns else want <= offered, '-s offers the columns memmap lists (missing %s, '
          'extra %s)' % (sorted(want - offered), sorted(offered - want)))
    descs = dict(got['memmap -s '] or [])
    check(all(descs.get(c) for c in offered), 'every column has a description')
    r = set(matches('memmap -o +VSZ,R'))
    check('RSS' in r and 'VSZ' not in r, '-o +VSZ,R -> RSS (%s)' % sorted(r))
    check(matches('memmap --output=LA') == ['LABEL'], '--output=LA -> LABEL')
    check(matches('memmap -s PS') == ['PSS'], '-s PS -> PSS')
    check(any(m.startswith('usr') or m.startswith('/usr')
              for m in matches('memmap --proc-root=/us')),
          '--proc-root=/us -> /usr')
    r = set(matches('memmap --no'))
    check({'--noheadings', '--notruncate'} <= r, '--no -> --noheadings '
          '--notruncate (%s)' % sorted(r))
    r = set(matches('memmap --label=heap,go.h'))
    check({'go.heap', 'go.heap-index', 'go.heap-metadata'} <= r,
          '--label=heap,go.h -> go.heap ... (%s)' % sorted(r))
    check(matches('memmap --sv') == ['--svg'], '--sv -> --svg')
    check(matches('memmap -s ps') == ['PSS'], '-s ps -> PSS (case-insensitive)')
    check(matches('memmap -o +vsz,dir') == ['DIRTY'], '-o +vsz,dir -> DIRTY')
    check(matches('memmap --diff %s/snap-b' % tmp) == ['snap-before.json'],
          '--diff DIR/snap-b -> the snapshot file')
    check(matches('memmap --diff %s %s/snap-b' % (snapfile, tmp))
          == ['snap-before.json'], '--diff A DIR/snap-b -> the after file')
    finish()


if __name__ == '__main__':
    main()
