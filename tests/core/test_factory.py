#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""core: memmap -J on the fixture factory, compared with what the factory
says it made, with /proc/PID/{smaps,maps,status}, and (part `sections`)
with readelf's section and program headers of the binaries it maps.

usage: test_factory.py [objects|sections] [VARIANT]
  VARIANT: run the factory linked another way ($MEMMAP_FACTORY_<VARIANT>:
  nopie, static, noseparate, norelro; see tests/fixtures/meson.build)"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402


def objects(t, fx, snap):
    st = mt.proc_status(fx.pid)
    t.eq(snap['pid'], fx.pid, 'pid')
    t.eq(snap['comm'], st['Name'], 'comm')
    t.eq(snap['exe'], os.readlink('/proc/%d/exe' % fx.pid), 'exe')
    t.eq(snap['page_size'], os.sysconf('SC_PAGE_SIZE'), 'page_size')
    t.eq(snap['kernel'], os.uname().release, 'kernel')
    sj = snap.get('status') or {}
    t.eq(sj.get('vm_size'), mt.status_bytes(st, 'VmSize'), 'status.vm_size')
    t.eq(sj.get('threads'), int(st['Threads']), 'status.threads')
    rss = mt.status_bytes(st, 'VmRSS')
    t.check(abs(sj.get('vm_rss', 0) - rss) <= 256 * 1024,
            'status.vm_rss %r vs VmRSS %d' % (sj.get('vm_rss'), rss))
    mt.check_vs_smaps(t, snap, fx.pid)
    mt.check_vs_pmap(t, snap, fx.pid)
    truth = mt.proc_maps(fx.pid)

    s, e = fx.range('file')
    rs = mt.check_labels_at(t, snap, s, e, 'file', 'mapped file')
    path = fx.info['dir'][0] + '/mapped file.dat'
    for m, _ in rs:
        t.eq(m['path'], path, 'mapped file path')
        t.eq(m['deleted'], False, 'mapped file deleted')
        t.eq(m['rss'], e - s, 'mapped file rss (all read)')

    s, e = fx.range('memfd')
    for m, _ in mt.check_labels_at(t, snap, s, e, 'shmem', 'memfd'):
        t.eq(m['path'], '/memfd:memmap-test', 'memfd path')
        t.eq(m['deleted'], True, 'memfd deleted')
        t.eq(m['rss'], e - s, 'memfd rss (all written)')

    s, e = fx.range('shanon')
    for m, _ in mt.check_labels_at(t, snap, s, e, 'shmem', 'shared anonymous'):
        t.eq(m['rss'], e - s, 'shared anonymous rss (all written)')

    for key, what in (('sysv', 'SysV shared memory'),
                      ('posixshm', 'POSIX shared memory')):
        if key not in fx.info:
            t.note('the factory made no %s here: not checked' % what)
            continue
        s, e = fx.range(key)
        for m, _ in mt.check_labels_at(t, snap, s, e, 'shmem', what):
            t.eq(m['rss'], e - s, what + ' rss (all written)')

    # Private anonymous, fenced by PROT_NONE pages: exactly one mapping,
    # all of it resident.
    s, e = fx.range('anon')
    mt.check_labels_at(t, snap, s, e, 'anon', 'private anonymous')
    m = mt.mapping_at(snap, s)
    if t.check(m is not None, 'private anonymous: no mapping'):
        t.eq((mt.h(m['start']), mt.h(m['end'])), (s, e),
             'private anonymous mapping range')
        t.eq(m['rss'], e - s, 'private anonymous mapping rss')
        t.eq(m['anonymous'], e - s, 'private anonymous mapping anonymous')
        t.eq(sum(r['rss'] for r in m['regions']), e - s,
             'private anonymous regions rss')

    # PROT_NONE: anon, and counted as reserved.
    s, e = fx.range('reserve')
    for m, r in mt.check_labels_at(t, snap, s, e, 'anon', 'reservation'):
        t.eq(m['perms'], '---p', 'reservation perms')
        t.eq(r['rss'], 0, 'reservation rss')
    cats = {c['label']: c for c in snap['categories']}
    none = sum(x['end'] - x['start'] for x in truth
               if x['perms'] == '---p' and x['path'] is None)
    t.check(none >= e - s, 'the reservation is not ---p in /proc/PID/maps')
    t.eq(cats.get('anon', {}).get('reserved'), none,
         'category anon reserved vs ---p anonymous mappings in /proc/PID/maps')
    t.eq(snap['totals'].get('reserved'),
         sum(x['end'] - x['start'] for x in truth if x['perms'][:3] == '---'),
         'totals.reserved vs ---p mappings in /proc/PID/maps')

    s, e = fx.range('heap')
    for m, _ in mt.check_labels_at(t, snap, s, e, 'heap', 'brk heap'):
        t.eq(m['path'], '[heap]', 'brk heap path')
    t.check(cats.get('heap', {}).get('rss', 0) >= e - s,
            'heap rss %d < %d touched' % (cats.get('heap', {}).get('rss', 0),
                                         e - s))

    s, e = fx.range('data')
    mt.check_labels_at(t, snap, s, e, 'exe.data', 'initialised global')
    s, e = fx.range('rodata')
    mt.check_labels_at(t, snap, s, e, 'exe.rodata', 'const global')
    s, e = fx.range('bss')
    rs = mt.check_labels_at(t, snap, s, e, 'exe.bss', 'zeroed global')
    t.check(any(m['path'] is None for m, _ in rs),
            'zeroed global: no anonymous mapping holds the .bss tail')
    s, e = fx.range('text')
    mt.check_labels_at(t, snap, s, e, 'exe.text', 'main()')

    seen = mt.check_kernel_names(t, snap)
    for k in ('[heap]', '[stack]', '[vdso]', '[vvar]'):
        t.check(k in seen, 'no %s mapping in the snapshot' % k)


def sections(t, fx, snap):
    real = os.readlink('/proc/%d/exe' % fx.pid)
    n = mt.check_elf_image(t, snap, real, 'exe', pid=fx.pid)
    t.check(n >= 15, 'only %d allocated sections checked' % n)
    t.note('%d sections of %s checked' % (n, real))
    for x in mt.proc_maps(fx.pid):
        if x['path'] and x['offset'] == 0 and \
                os.path.basename(x['path']).startswith(('libc.so', 'ld-linux')):
            n = mt.check_elf_image(t, snap, x['path'], 'lib', pid=fx.pid,
                                   must_mention=os.path.basename(x['path']))
            t.note('%d sections of %s checked' % (n, x['path']))


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else 'objects'
    variant = sys.argv[2] if len(sys.argv) > 2 else None
    var = 'MEMMAP_FACTORY' + ('_' + variant.upper() if variant else '')
    t = mt.Checker('core-factory-' + part + ('-' + variant if variant else ''))
    factory = os.environ.get(var)
    if not factory:
        if variant:
            mt.skip('%s unset: this toolchain cannot link the %s factory'
                    % (var, variant))
        mt.die('MEMMAP_FACTORY unset')

    with mt.Fixture([factory]) as fx:
        snap, rc, err = mt.memmap_json(fx.pid)
        t.eq(rc, 0, 'exit code (stderr: %s)' % err.strip())
        t.check(err.strip() == '', 'stderr not empty: %r' % err)
        mt.check_snapshot(t, snap, fx.pid)
        {'objects': objects, 'sections': sections}[part](t, fx, snap)
    t.done()


if __name__ == '__main__':
    main()
