#!/usr/bin/env python3
"""The glibc layout table in src/runtimes/glibc/probe.c against glibc's own debug
information: each offset and size is asked of gdb (ptype arithmetic on
libc.so.6 and ld.so with libc6-dbg's DWARF).  Catches a Debian glibc update
that moves a field.  Skipped without gdb or glibc's debug symbols, or when
the installed ld.so is not the glibc the table describes.
"""

import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6'
LDSO = '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'

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


def table():
    """The first layouts[] entry of src/runtimes/glibc/probe.c: {field: int}."""
    src = os.path.join(os.environ.get('MEMMAP_SOURCE', '.'), 'src', 'runtimes', 'glibc', 'probe.c')
    with open(src) as f:
        text = f.read()
    body = text[text.index('layouts[] = {'):]
    body = body[:body.index('\n\t},')]
    return {k: int(v) for k, v in re.findall(r'\.(\w+) = (\d+)', body)}


def dynsym_size(path, name):
    out = subprocess.run(['readelf', '--dyn-syms', '-W', path],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[7].split('@')[0] == name:
            return int(f[2], 0)
    return None


def gdb_values(obj, exprs):
    cmd = ['gdb', '-nx', '-batch']
    for e in exprs:
        cmd += ['-ex', 'printf "%%ld\\n", (long)(%s)' % e]
    out = subprocess.run(cmd + [obj], capture_output=True, text=True, timeout=120)
    vals = []
    for line in out.stdout.splitlines():
        if re.fullmatch(r'-?\d+', line.strip()):
            vals.append(int(line))
    return vals, out.stderr


def main():
    t = mt.Checker('threads-layout')
    if not shutil.which('gdb'):
        mt.skip('gdb is not installed')
    want = table()
    if (dynsym_size(LDSO, '_rtld_global'), dynsym_size(LDSO, '_rtld_global_ro')) != \
            (want['rtld_global_size'], want['rtld_global_ro_size']):
        mt.skip('%s is not the glibc the table describes' % LDSO)
    for obj in (LIBC, LDSO):
        fields = [k for k, (o, _) in EXPR.items() if o == obj]
        vals, err = gdb_values(obj, [EXPR[k][1] for k in fields])
        if len(vals) != len(fields):
            if 'No struct type' in err or 'no debugging symbols' in err.lower() or \
                    'No symbol' in err:
                mt.skip('no debug information for %s (install libc6-dbg): %s' %
                        (obj, err.strip().splitlines()[-1] if err.strip() else ''))
            mt.die('gdb on %s: %d values for %d fields: %s' %
                   (obj, len(vals), len(fields), err.strip()))
        for k, v in zip(fields, vals):
            t.eq(want.get(k), v, 'layout %s (%s)' % (k, EXPR[k][1]))
    t.done()


if __name__ == '__main__':
    main()
