#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The generated glibc layout table (src/runtimes/glibc/glibc_layouts.c)
against each glibc's own debug information: the system's and each one
scripts/fetch-suites unpacked ($MEMMAP_SUITES, default
/var/cache/memmap-suites/{bullseye,trixie,sid}, or the directory given as
the first argument: meson's suites-dir).  Each offset and size is
asked of gdb (ptype arithmetic on libc.so.6 and ld.so, their libc6-dbg DWARF
found by build-id), independently of the generator.  Catches a glibc update
that moves a field.  Skipped without gdb or any glibc with its debug info.
"""

import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

LIBC = 'libc.so.6'
LDSO = 'ld-linux-x86-64.so.2'
SUITES = os.environ.get('MEMMAP_SUITES', '/var/cache/memmap-suites')
# Members some versions lack (gdb: no member): the table says -1.
OPTIONAL = {'stack_used', 'stack_user', 'stack_cache', 'tls_static_size',
            'tls_static_align', 'pd_user_stack'}

# table field -> (object, gdb expression)
EXPR = {
    'rtld_global_size': (LDSO, 'sizeof(struct rtld_global)'),
    'rtld_global_ro_size': (LDSO, 'sizeof(struct rtld_global_ro)'),
    'stack_used': (LDSO, '&((struct rtld_global *)0)->_dl_stack_used'),
    'stack_user': (LDSO, '&((struct rtld_global *)0)->_dl_stack_user'),
    'stack_cache': (LDSO, '&((struct rtld_global *)0)->_dl_stack_cache'),
    'tls_static_size': (LDSO, '&((struct rtld_global_ro *)0)->_dl_tls_static_size'),
    'tls_static_align': (LDSO, '&((struct rtld_global_ro *)0)->_dl_tls_static_align'),
    'pd_size': (LIBC, 'sizeof(struct pthread)'),
    'pd_tcb': (LIBC, '&((struct pthread *)0)->header.tcb'),
    'pd_dtv': (LIBC, '&((struct pthread *)0)->header.dtv'),
    'pd_self': (LIBC, '&((struct pthread *)0)->header.self'),
    'pd_list': (LIBC, '&((struct pthread *)0)->list'),
    'pd_tid': (LIBC, '&((struct pthread *)0)->tid'),
    'pd_user_stack': (LIBC, '&((struct pthread *)0)->user_stack'),
    'pd_stackblock': (LIBC, '&((struct pthread *)0)->stackblock'),
    'pd_stackblock_size': (LIBC, '&((struct pthread *)0)->stackblock_size'),
    'pd_guardsize': (LIBC, '&((struct pthread *)0)->guardsize'),
    'lm_name': (LDSO, '&((struct link_map *)0)->l_name'),
    'lm_next': (LDSO, '&((struct link_map *)0)->l_next'),
    'lm_libname': (LDSO, '&((struct link_map *)0)->l_libname'),
    'lm_searchlist_list': (LDSO, '&((struct link_map *)0)->l_searchlist.r_list'),
    'lm_versions': (LDSO, '&((struct link_map *)0)->l_versions'),
    'lm_initfini': (LDSO, '&((struct link_map *)0)->l_initfini'),
}


def tables():
    """The rows of src/runtimes/glibc/glibc_layouts.c: {version: {field: int}}."""
    src = os.path.join(os.environ.get('MEMMAP_SOURCE', '.'), 'src', 'runtimes', 'glibc',
                       'glibc_layouts.c')
    with open(src) as f:
        text = f.read()
    rows = {}
    for body in re.findall(r'\{\n(.*?)\n\t\},', text, re.S):
        v = re.search(r'\.version = "([^"]+)"', body).group(1)
        rows[v] = {k: int(x) for k, x in re.findall(r'\.(\w+) = (-?\d+),', body)}
    return rows


def find(root, name):
    for d in ('lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu'):
        p = os.path.join(root, d, name)
        if os.path.exists(p):
            return os.path.realpath(p)
    return None


def version_of(path):
    with open(path, 'rb') as f:
        m = re.search(rb'release version (2\.[0-9]+)', f.read())
    return m.group(1).decode() if m else None


def dynsym_size(path, name):
    out = subprocess.run(['readelf', '--dyn-syms', '-W', path],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[7].split('@')[0] == name:
            return int(f[2], 0)
    return None


def gdb_values(obj, exprs, debugdir):
    cmd = ['gdb', '-nx', '-batch', '-iex', 'set debug-file-directory ' + debugdir]
    for e in exprs:
        cmd += ['-ex', 'printf "%%ld\\n", (long)(%s)' % e]
    out = subprocess.run(cmd + [obj], capture_output=True, text=True, timeout=120)
    # One answer a question, in order: a number, or -1 for a member this
    # version lacks (gdb's error goes to stderr; both are read as one).
    vals = []
    for line in (out.stdout + out.stderr).splitlines():
        if re.fullmatch(r'-?\d+', line.strip()):
            vals.append(int(line))
    return vals, out.stderr


def gdb_each(obj, fields, debugdir):
    """{field: value}, one gdb run a field so a missing member is told
    apart; None when the object has no debug info."""
    got = {}
    vals, err = gdb_values(obj, [EXPR[k][1] for k in fields], debugdir)
    if len(vals) == len(fields):
        return dict(zip(fields, vals)), err
    for k in fields:
        v, e = gdb_values(obj, [EXPR[k][1]], debugdir)
        if v:
            got[k] = v[0]
        elif k in OPTIONAL and ('no member named' in e or 'No symbol' in e):
            got[k] = -1
        else:
            return None, e
    return got, err


def main():
    t = mt.Checker('threads-layout')
    if not shutil.which('gdb'):
        mt.skip('gdb is not installed')
    rows = tables()
    suites = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else SUITES
    checked = 0
    for root in ['/'] + [os.path.join(suites, s) for s in ('bullseye', 'trixie', 'sid')]:
        ld, libc = find(root, LDSO), find(root, LIBC)
        if not ld or not libc:
            t.note('%s: no glibc there (scripts/fetch-suites fetches it)' % root)
            continue
        # Before 2.34 only libc.so.6 carries the banner.
        version = version_of(ld) or version_of(libc)
        want = rows.get(version)
        t.check(want is not None, '%s: glibc %s has no row in the table' % (ld, version))
        if not want:
            continue
        t.eq((dynsym_size(ld, '_rtld_global'), dynsym_size(ld, '_rtld_global_ro')),
             (want['rtld_global_size'], want['rtld_global_ro_size']),
             'glibc %s: sizes of _rtld_global, _rtld_global_ro' % version)
        debugdir = os.path.join(root, 'usr/lib/debug')
        for obj, short in ((libc, LIBC), (ld, LDSO)):
            fields = [k for k, (o, _) in EXPR.items() if o == short]
            got, err = gdb_each(obj, fields, debugdir)
            if got is None:
                t.note('glibc %s: no debug information for %s (libc6-dbg): %s' %
                       (version, obj, err.strip().splitlines()[-1] if err.strip() else ''))
                break
            for k in fields:
                t.eq(want.get(k), got[k], 'glibc %s layout %s (%s)' %
                     (version, k, EXPR[k][1]))
        else:
            checked += 1
            t.note('glibc %s: the table matches its debug info' % version)
    if not checked:
        mt.skip('no glibc with its debug information at hand (libc6-dbg, '
                'scripts/fetch-suites)')
    t.done()


if __name__ == '__main__':
    main()
