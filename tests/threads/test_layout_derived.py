#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The glibc rows DERIVED from the sources, and the method that derives them.

scripts/build-glibc-trees configures a glibc tree per git ref as Debian
configures x86_64 and compiles rtld.os, pthread_create.os and malloc.os
with -g ($MEMMAP_SUITES/glibc-derived, or the first argument's
glibc-derived).  This test asks gdb, with its own expressions (those of
test_layout.py, plus heap_info and malloc_state), of:
- a tree of a version whose libc6-dbg is at hand (2.31, 2.36, 2.41, 2.43):
  for 2.36 and 2.41 the stable branch's tree (release/2.NN/master) must
  equal the debug info field by field, which is what vouches for the
  method (Debian ships that branch unpatched in these structures); any
  other tree may differ, but only together with the sizes of _rtld_global
  or _rtld_global_ro, the only thing memmap matches a derived row by: a
  release tag lacks the branch's backports (2.36's struct link_map gained
  l_init_called_next after the release: 4328 vs 4336 bytes), and Debian 11
  patches its 2.31 ld.so (_dl_tls_static_optional backported: 3992 vs
  4000, and _rtld_global_ro 536 vs 544);
- a tree of any other version: the table must hold a row of that version,
  marked derived, with these values.
And the table itself: two rows of one version with the same sizes must
not differ (the sizes would not tell them apart).  Skipped without gdb or
without any derived tree.
"""

import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402
import test_layout as tl  # noqa: E402

SUITES = os.environ.get('MEMMAP_SUITES', '/var/cache/memmap-suites')
RTLD, PTHREAD, MALLOC = 'elf/rtld.os', 'nptl/pthread_create.os', 'malloc/malloc.os'
MALLOC_EXPR = {
    'heap_info_size': 'sizeof(heap_info)',
    'hi_ar_ptr': '&((heap_info *)0)->ar_ptr',
    'hi_prev': '&((heap_info *)0)->prev',
    'hi_size': '&((heap_info *)0)->size',
    'hi_mprotect_size': '&((heap_info *)0)->mprotect_size',
    'ms_size': 'sizeof(struct malloc_state)',
    'ms_top': '&((struct malloc_state *)0)->top',
    'ms_next': '&((struct malloc_state *)0)->next',
}
SIZES = ('rtld_global_size', 'rtld_global_ro_size')
# Versions whose stable branch Debian ships as it is in these structures.
EXACT = ('2.36', '2.41')


def all_rows():
    """Every row of the table, derived ones too: [(derived, {field: int})]."""
    src = os.path.join(os.environ.get('MEMMAP_SOURCE', '.'), 'src', 'runtimes', 'glibc',
                       'glibc_layouts.c')
    with open(src) as f:
        text = f.read()
    rows = []
    for body in re.findall(r'\{\n(.*?)\n\t\},', text, re.S):
        row = {k: int(x) for k, x in re.findall(r'\.(\w+) = (-?\d+),', body)}
        row['version'] = re.search(r'\.version = "([^"]+)"', body).group(1)
        rows.append((re.search(r'\.derived = "([^"]*)"', body).group(1), row))
    return rows


def ask(obj, exprs):
    """{field: value or -1 (no such member)} from one object's DWARF, in
    one gdb run: each answer names its question; a question gdb refuses
    (no such member in that version) has none."""
    cmd = ['gdb', '-nx', '-batch']
    for k, e in exprs.items():
        cmd += ['-ex', 'printf "%s=%%ld\\n", (long)(%s)' % (k, e)]
    out = subprocess.run(cmd + [obj], capture_output=True, text=True, timeout=300)
    got = dict.fromkeys(exprs, -1)
    for k, v in re.findall(r'^(\w+)=(-?\d+)$', out.stdout, re.M):
        got[k] = int(v)
    return got


def tree_values(build):
    ld = {k: e for k, (o, e) in tl.EXPR.items() if o == tl.LDSO}
    pd = {k: e for k, (o, e) in tl.EXPR.items() if o == tl.LIBC}
    got = ask(os.path.join(build, RTLD), ld)
    got.update(ask(os.path.join(build, PTHREAD), pd))
    got.update(ask(os.path.join(build, MALLOC), MALLOC_EXPR))
    return got


def debug_info_values(root):
    """The same questions of a glibc's libc6-dbg, or None."""
    ld, libc = tl.find(root, tl.LDSO), tl.find(root, tl.LIBC)
    if not ld or not libc:
        return None, None
    version = tl.version_of(ld) or tl.version_of(libc)
    debugdir = os.path.join(root, 'usr/lib/debug')
    got = {}
    for obj, short in ((libc, tl.LIBC), (ld, tl.LDSO)):
        fields = [k for k, (o, _) in tl.EXPR.items() if o == short]
        vals, _ = tl.gdb_each(obj, fields, debugdir)
        if vals is None:
            return version, None
        got.update(vals)
    vals, _ = tl.gdb_values(libc, list(MALLOC_EXPR.values()), debugdir)
    if len(vals) != len(MALLOC_EXPR):
        return version, None
    got.update(zip(MALLOC_EXPR, vals))
    return version, got


def main():
    t = mt.Checker('threads-layout-derived')
    if not shutil.which('gdb'):
        mt.skip('gdb is not installed')
    suites = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else SUITES
    top = os.path.join(suites, 'glibc-derived')
    trees = []
    for name in sorted(os.listdir(top)) if os.path.isdir(top) else []:
        build = os.path.join(top, name, 'build')
        try:
            with open(os.path.join(build, 'memmap-ref')) as f:
                ref, commit, version = f.read().split()
        except (OSError, ValueError):
            continue
        trees.append((ref, commit, version, build))
    if not trees:
        mt.skip('no derived glibc build tree (scripts/build-glibc-trees)')
    dbg = {}
    for root in ['/'] + [os.path.join(suites, s) for s in ('bullseye', 'trixie', 'sid')]:
        version, vals = debug_info_values(root)
        if vals:
            dbg[version] = vals
    rows = all_rows()
    branch_checked = 0
    for ref, commit, version, build in trees:
        got = tree_values(build)
        if version in dbg:
            diff = sorted(k for k in got if got[k] != dbg[version][k])
            if ref.startswith('release/') and version in EXACT:
                t.eq(diff, [], 'glibc %s: %s (%s) against the libc6-dbg' %
                     (version, ref, commit[:12]))
                branch_checked += 1
            else:
                t.note('glibc %s: %s differs from the libc6-dbg in %s' %
                       (version, ref, ', '.join('%s %d/%d' % (k, got[k], dbg[version][k])
                                                for k in diff) or 'nothing'))
                t.check(not diff or any(k in diff for k in SIZES),
                        'glibc %s: %s differs from the debug info (%s) with the same '
                        'sizes' % (version, ref, ', '.join(diff)))
            continue
        mine = [r for d, r in rows if r['version'] == version and d]
        t.check(mine, 'glibc %s: a derived row in the table (%s)' % (version, ref))
        same = [r for r in mine if all(r.get(k) == v for k, v in got.items())]
        t.check(same, 'glibc %s: a derived row equal to %s (%s): %s' %
                (version, ref, commit[:12], got))
    if not branch_checked:
        t.note('no stable branch tree of %s with its libc6-dbg: the method is '
               'not checked here' % ' or '.join(EXACT))
    # Rows the sizes cannot tell apart must not differ.
    for i, (_, a) in enumerate(rows):
        for _, b in rows[i + 1:]:
            if a['version'] == b['version'] and all(a[k] == b[k] for k in SIZES):
                t.eq(a, b, 'glibc %s: two rows with the same sizes' % a['version'])
    t.done()


if __name__ == '__main__':
    main()
