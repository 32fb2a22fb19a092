#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""core: targets that are awkward to read.  A deleted executable is still
labelled (through /proc/PID/map_files); a corrupt ELF file mapped like a
library degrades to `file` and never aborts the run; without privileges,
another user's process is refused with exit 2 and one's own is labelled;
in any locale (C and POSIX as cron and `env -i` give, C.UTF-8) a file name
with non-ASCII, bidi and zero-width characters prints promptly, escaped
wherever the locale cannot show it, in the summary, the mapping tree and a
diff table.

usage: test_robust.py [deleted|corrupt|corrupt-lib|replaced|unprivileged|locale|all]"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

NOBODY = 65534


def deleted_exe(t, factory, d):
    copy = os.path.join(d, 'factory copy')
    shutil.copy(factory, copy)
    with mt.Fixture([copy]) as fx:
        os.unlink(copy)
        snap, rc, err = mt.memmap_json(fx.pid)
        t.eq(rc, 0, 'deleted exe: exit code (stderr %r)' % err)
        mt.check_snapshot(t, snap, fx.pid)
        s, e = fx.range('text')
        for m, _ in mt.check_labels_at(t, snap, s, e, 'exe.text',
                                       'deleted exe: main()'):
            t.eq(m['path'], copy, 'deleted exe: path')
            t.eq(m['deleted'], True, 'deleted exe: deleted')
        for obj, lbl in (('rodata', 'exe.rodata'), ('data', 'exe.data'),
                         ('bss', 'exe.bss')):
            s, e = fx.range(obj)
            mt.check_labels_at(t, snap, s, e, lbl, 'deleted exe: ' + obj)


def corrupt_elves(d):
    """(name, bytes) of broken ELF files, built from /bin/true."""
    with open('/bin/true', 'rb') as f:
        good = f.read()
    shoff = bytearray(good)
    shoff[0x28:0x30] = (0x7fffffffffff0000).to_bytes(8, 'little')
    shnum = bytearray(good)
    shnum[0x3c:0x3e] = (0xffff).to_bytes(2, 'little')	# e_shnum
    shnum[0x3e:0x40] = (0xfff0).to_bytes(2, 'little')	# e_shstrndx
    phoff = bytearray(good)
    phoff[0x20:0x28] = (0x7ffffffffff00000).to_bytes(8, 'little')
    return [('header-only', good[:64]),
            ('shoff-beyond-eof', bytes(shoff)),
            ('bad-shnum', bytes(shnum)),
            ('phoff-beyond-eof', bytes(phoff)),
            ('magic-then-junk', b'\x7fELF' + bytes(range(256)) * 32)]


def corrupt_elf(t, factory, d):
    for name, data in corrupt_elves(d):
        path = os.path.join(d, 'lib%s.so' % name)
        with open(path, 'wb') as f:
            f.write(data)
        with mt.Fixture([factory, '--map', path]) as fx:
            what = 'corrupt ELF %s' % name
            snap, rc, err = mt.memmap_json(fx.pid)
            t.check(rc in (0, 1), '%s: exit %d' % (what, rc))
            mt.check_snapshot(t, snap, fx.pid)
            s, e = fx.range('mapped')
            for m, _ in mt.check_labels_at(t, snap, s, e, 'file', what):
                t.eq(m['path'], path, what + ': path')
            if rc == 1:
                t.check(any(os.path.basename(path) in w for w in snap['warnings']),
                        '%s: exit 1 but no warning names it: %r' %
                        (what, snap['warnings']))
            s, e = fx.range('text')
            mt.check_labels_at(t, snap, s, e, 'exe.text', what + ': main()')
            rc2, out, err = mt.run_memmap(fx.pid)
            t.eq(rc2, rc, what + ': table exit code vs -J')


def corrupt_libs(lib):
    """(name, bytes, degrades) of copies of the fixture library with broken
    section headers and intact program headers (ld.so loads them).
    degrades: memmap must label the library `file` and warn."""
    with open(lib, 'rb') as f:
        good = f.read()
    shoff = int.from_bytes(good[0x28:0x30], 'little')
    shnum = int.from_bytes(good[0x3c:0x3e], 'little')

    def patch(off, val, n):
        b = bytearray(good)
        b[off:off + n] = val.to_bytes(n, 'little')
        return bytes(b)

    garbage = bytearray(good)
    garbage[shoff:shoff + 64 * shnum] = b'\xa5' * (64 * shnum)
    huge = bytearray(good)
    for i in range(shnum):	# every section 2^40 bytes long
        o = shoff + 64 * i + 0x20
        if int.from_bytes(huge[o:o + 8], 'little'):
            huge[o:o + 8] = (1 << 40).to_bytes(8, 'little')
    return [('shoff-beyond-eof', patch(0x28, 0x7fffffffffff0000, 8), True),
            ('shnum-huge', patch(0x3c, 0xffff, 2), True),
            ('sh-garbage', bytes(garbage), True),
            ('sh-truncated', good[:shoff + 64], True),
            ('bad-shstrndx', patch(0x3e, 0xfff0, 2), False),
            ('sections-huge', bytes(huge), False)]


def corrupt_lib(t, factory, d):
    lib = os.environ.get('MEMMAP_FIXTURE_LIB') or mt.die('MEMMAP_FIXTURE_LIB unset')
    for name, data, degrades in corrupt_libs(lib):
        path = os.path.join(d, 'libcorrupt-%s.so' % name)
        with open(path, 'wb') as f:
            f.write(data)
        what = 'corrupt library %s' % name
        with mt.Fixture([factory, '--dlopen', path]) as fx:
            snap, rc, err = mt.memmap_json(fx.pid)
            t.check(rc in (0, 1), '%s: exit %d' % (what, rc))
            mt.check_snapshot(t, snap, fx.pid)
            mine = [m for m in snap['mappings'] if m['path'] == path]
            t.check(len(mine) >= 3, '%s: %d mappings' % (what, len(mine)))
            if degrades:
                t.eq(rc, 1, what + ': exit code')
                t.check(any(os.path.basename(path) in w for w in snap['warnings']),
                        '%s: no warning names it: %r' % (what, snap['warnings']))
                for m in mine:
                    t.eq([r['label'] for r in m['regions']], ['file'] * len(m['regions']),
                         '%s: mapping %s labels' % (what, m['start']))
            s, e = fx.range('text')
            mt.check_labels_at(t, snap, s, e, 'exe.text', what + ': main()')
            rc2, out, err = mt.run_memmap(fx.pid)
            t.eq(rc2, rc, what + ': table exit code vs -J')


def replaced_lib(t, factory, d, as_nobody):
    """The fixture library, loaded, then replaced on disk by another ELF
    file under the same name: memmap must label it from what was mapped
    (map_files/), or, where it cannot reach that, call it `file` and warn;
    never label it from the file now at that path."""
    lib = os.environ.get('MEMMAP_FIXTURE_LIB') or mt.die('MEMMAP_FIXTURE_LIB unset')
    who = 'nobody' if as_nobody else 'root'
    sub = os.path.join(d, 'replaced-' + who)
    os.mkdir(sub)
    os.chmod(sub, 0o755)
    orig = os.path.join(sub, 'original.so')
    path = os.path.join(sub, 'libreplaced.so')
    shutil.copy(lib, orig)
    shutil.copy(lib, path)
    for f in (orig, path):
        os.chmod(f, 0o755)
    drop = mt.as_user(NOBODY) if as_nobody else None
    what = 'replaced library (%s)' % who
    with mt.Fixture([factory, '--dlopen', path], preexec_fn=drop) as fx:
        tmp = path + '.new'
        shutil.copy('/bin/true', tmp)
        os.rename(tmp, path)
        snap, rc, err = mt.memmap_json(fx.pid, preexec_fn=drop)
        mt.check_snapshot(t, snap, fx.pid)
        mine = [m for m in snap['mappings'] if m['path'] == path]
        t.check(len(mine) >= 3, '%s: %d mappings' % (what, len(mine)))
        for m in mine:
            t.eq(m['deleted'], True, '%s: mapping %s deleted' % (what, m['start']))
        labels = {r['label'] for m in mine for r in m['regions']}
        if labels == {'file'}:
            t.eq(rc, 1, what + ': labelled file, exit code')
            t.check(any(path in w for w in snap['warnings']),
                    '%s: labelled file without a warning naming it: %r'
                    % (what, snap['warnings']))
            t.check(as_nobody, what + ': root can read map_files/, yet '
                    'the library was not labelled')
        else:
            t.eq(rc, 0, what + ': exit code (stderr %r)' % err)
            n = mt.check_elf_image(t, snap, path, 'lib', pid=fx.pid,
                                   must_mention='libreplaced.so', elf_file=orig,
                                   only={'.text', '.rodata', '.data', '.bss'})
            t.eq(n, 4, what + ': sections checked')
        t.note('%s: labels %s, exit %d' % (what, sorted(labels), rc))


def unprivileged(t, factory):
    drop = mt.as_user(NOBODY)
    rc, out, err = mt.run_memmap('--version', preexec_fn=drop)
    if rc != 0:
        t.note('memmap cannot run as uid %d here (%r): unprivileged cases '
               'not run' % (NOBODY, err.strip()))
        return
    with mt.Fixture([factory]) as fx:
        rc, out, err = mt.run_memmap(fx.pid, preexec_fn=drop)
        t.eq(rc, 2, 'root process as nobody: exit code')
        t.eq(out, '', 'root process as nobody: stdout')
        lines = err.strip().split('\n')
        t.check(len(lines) == 1 and str(fx.pid) in err,
                'root process as nobody: stderr %r is not one line naming %d'
                % (err, fx.pid))
    sleep = shutil.which('sleep')
    with mt.Process([sleep, '1000'], preexec_fn=drop) as p:
        snap, rc, err = mt.memmap_json(p.pid, preexec_fn=drop)
        t.eq(rc, 0, 'own process as nobody: exit code (stderr %r)' % err)
        mt.check_snapshot(t, snap, p.pid)
        exe = os.readlink('/proc/%d/exe' % p.pid)
        mt.check_elf_image(t, snap, exe, 'exe', pid=p.pid, only={'.text'})
        libc = [x['path'] for x in mt.proc_maps(p.pid)
                if x['path'] and os.path.basename(x['path']) == 'libc.so.6']
        if t.check(libc, 'own process as nobody: no libc'):
            mt.check_elf_image(t, snap, libc[0], 'lib', pid=p.pid,
                               must_mention='libc.so.6', only={'.text'})


# The names mapped by the locale case, and how each must look in a C
# locale and in a UTF-8 one: UTF-8 shown only where the locale can show it;
# bidi overrides and zero-width characters never.
LOCALE_NAMES = [
    ('caf\u00e9', 'caf\\xc3\\xa9', 'caf\u00e9'),
    ('rlo\u202eexe.so', 'rlo\\xe2\\x80\\xaeexe.so', 'rlo\\xe2\\x80\\xaeexe.so'),
    ('zw\u200bsp', 'zw\\xe2\\x80\\x8bsp', 'zw\\xe2\\x80\\x8bsp'),
]
LOCALES = [('env -i', None), ('LC_ALL=C', 'C'), ('LC_ALL=POSIX', 'POSIX'),
           ('LC_ALL=C.UTF-8', 'C.UTF-8')]


def locale_env(lc):
    """The environment of a cron job (nothing) or one with LC_ALL=lc."""
    env = {k: None for k in os.environ if k.startswith('LC_') or k == 'LANG'}
    if lc is None:
        env = {k: None for k in os.environ if k not in ('MEMMAP', 'PATH')}
    else:
        env['LC_ALL'] = lc
    return env


def locale_names(t, factory, d):
    # One path holds every kind of name, folder by folder.
    path = os.path.join(d, *[n for n, _, _ in LOCALE_NAMES])
    os.makedirs(os.path.dirname(path))
    shutil.copy('/bin/true', path)
    paths = [path]
    args = [factory, '--map', path]
    with mt.Fixture(args) as fx:
        # A "before" snapshot without the mapped names: each then appears
        # in the diff table.
        before, rc, err = mt.memmap_json(fx.pid)
        t.check(rc in (0, 1), 'locale: -J exit %d (%r)' % (rc, err))
        before['mappings'] = [m for m in before['mappings']
                              if m.get('path') not in paths]
        snapfile = os.path.join(d, 'before.json')
        with open(snapfile, 'w') as f:
            json.dump(before, f)
        for what, lc in LOCALES:
            utf8 = lc == 'C.UTF-8'
            for args in ([], ['--mappings'], ['-r', '--mappings'],
                         ['--diff', snapfile]):
                case = '%s memmap %s' % (what, ' '.join(args))
                try:
                    rc, out, err = mt.run_memmap(*(args + [str(fx.pid)]),
                                                 env=locale_env(lc), timeout=20,
                                                 binary=True)
                except subprocess.TimeoutExpired:
                    t.fail('%s: still running after 20 s' % case)
                    continue
                t.check(rc in (0, 1), '%s: exit %d (%r)' % (case, rc, err))
                if not utf8:
                    t.check(all(b < 0x80 for b in out + err),
                            '%s: a byte above 0x7f in a C locale' % case)
                if '-r' in args:
                    # raw output hex-encodes once more, as lsblk -r does
                    out = re.sub(rb'\\x([0-9a-f]{2})',
                                 lambda m: bytes([int(m.group(1), 16)]), out)
                text = out.decode('utf-8', 'replace')
                if args == []:
                    continue		# the summary names no file
                for name, in_c, in_utf8 in LOCALE_NAMES:
                    want = in_utf8 if utf8 else in_c
                    t.check(want in text, '%s: %r not shown as %r' %
                            (case, name, want))


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else 'all'
    parts = ['deleted', 'corrupt', 'corrupt-lib', 'replaced', 'unprivileged',
             'locale']
    if part not in parts + ['all']:
        mt.die('usage: test_robust.py [%s|all]' % '|'.join(parts))
    t = mt.Checker('core-robust-' + part)
    factory = os.environ.get('MEMMAP_FACTORY') or mt.die('MEMMAP_FACTORY unset')
    if part in ('deleted', 'replaced') and os.geteuid() != 0:
        mt.skip('not root: /proc/PID/map_files/ is closed to other users, so '
                'what a deleted or replaced file held cannot be read')
    with tempfile.TemporaryDirectory(prefix='memmap-robust.') as d:
        if part in ('deleted', 'all'):
            deleted_exe(t, factory, d)
        if part in ('corrupt', 'all'):
            corrupt_elf(t, factory, d)
        if part in ('corrupt-lib', 'all'):
            corrupt_lib(t, factory, d)
        if part in ('replaced', 'all'):
            replaced_lib(t, factory, d, False)
        if part in ('locale', 'all'):
            locale_names(t, factory, d)
        if part in ('unprivileged', 'all'):
            if os.geteuid() != 0:
                mt.skip('not root: the unprivileged cases need to switch users')
            os.chmod(d, 0o755)
            unprivileged(t, factory)
            replaced_lib(t, factory, d, True)
    t.done()


if __name__ == '__main__':
    main()
