# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared by the completion tests: where things are, a target process the
test starts (with a command name of its own, so its PID and name can be
looked for in the completions), and failure bookkeeping."""

import os
import shutil
import subprocess
import sys

SOURCE = os.environ.get('MEMMAP_SOURCE') or os.path.abspath(
    os.path.join(os.path.dirname(__file__), '..', '..'))
COMPLETIONS = os.path.join(SOURCE, 'completions')
MEMMAP = os.environ.get('MEMMAP', '')

# The columns of each table as the CLI defines them (the brief for issue
# 2); completions must offer at least these, each for its own table.
MAP_COLUMNS = {
    'ADDRESS', 'START', 'END', 'PERMS', 'OFFSET', 'DEV', 'INODE', 'VSZ',
    'RSS', 'PSS', 'SWAP', 'DIRTY', 'ANON', 'LABEL', 'HOW', 'NAME',
}
SUM_COLUMNS = {'LABEL', 'VSZ', 'RESERVED', 'RSS', 'PSS', 'SWAP', 'DIRTY', 'COUNT'}
BRIEF_COLUMNS = MAP_COLUMNS | SUM_COLUMNS

failures = []


def check_table(offered, table, what):
    """offered holds every column of table ('map' or 'sum') in the brief
    and none that only the other table has."""
    want, other = ((MAP_COLUMNS, SUM_COLUMNS) if table == 'map'
                   else (SUM_COLUMNS, MAP_COLUMNS))
    offered = set(offered)
    check(want <= offered and not (offered & (other - want)),
          '%s offers the %s columns (missing %s, wrong table %s)'
          % (what, 'mapping tree' if table == 'map' else 'summary',
             sorted(want - offered), sorted(offered & (other - want))))


def check(cond, what):
    print(('ok    ' if cond else 'FAIL  ') + what)
    if not cond:
        failures.append(what)


def finish():
    if failures:
        print('%d check(s) failed' % len(failures))
        sys.exit(1)
    sys.exit(0)


def need_shell(name):
    path = shutil.which(name)
    if not path:
        print('SKIP: %s is not installed (scripts/install-deps installs it)'
              % name)
        sys.exit(77)
    return path


def shell_env():
    """The environment for the shell under test: memmap's build directory
    first in PATH, so completions that run `memmap --list-columns` run the
    binary under test."""
    env = dict(os.environ)
    if MEMMAP and os.access(MEMMAP, os.X_OK):
        env['PATH'] = os.path.dirname(MEMMAP) + os.pathsep + env['PATH']
    env.pop('NO_COLOR', None)
    return env


def list_columns():
    """Column names as `memmap --list-columns --raw` prints them (first word
    of each line), or None when memmap is not runnable."""
    if not (MEMMAP and os.access(MEMMAP, os.X_OK)):
        return None
    try:
        r = subprocess.run([MEMMAP, '--list-columns', '--raw'],
                           capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    if r.returncode != 0:
        return None
    return {ln.split()[0] for ln in r.stdout.splitlines() if ln.split()}


class Target:
    """A process this test owns: a python3 child whose command name
    (/proc/PID/comm) is set to a name nobody else has."""

    def __init__(self):
        self.name = 'mmct%d' % os.getpid()
        self.name = self.name[:15]
        code = ('import ctypes, sys, time\n'
                'libc = ctypes.CDLL(None)\n'
                'libc.prctl(15, sys.argv[1].encode(), 0, 0, 0)\n'
                'print("ready", flush=True)\n'
                'time.sleep(600)\n')
        self.proc = subprocess.Popen([sys.executable, '-c', code, self.name],
                                     stdout=subprocess.PIPE, text=True)
        self.pid = self.proc.pid
        line = self.proc.stdout.readline().strip()
        with open('/proc/%d/comm' % self.pid) as f:
            comm = f.read().strip()
        if line != 'ready' or comm != self.name:
            self.close()
            raise RuntimeError('target did not start (comm %r)' % comm)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
