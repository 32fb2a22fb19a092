#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A process whose malloc is jemalloc's: the jemalloc fixture (linked with
-ljemalloc; it prints every live block, mallctl's totals and version) or
redis-server (INFO memory's mem_allocator names jemalloc; MEMORY
MALLOC-STATS its totals).  memmap reads jemalloc's extents and bases (exit
0, no warning): every block the fixture made lies in jemalloc.arena, its
totals are mallctl's (to the byte on the fixture, which allocates nothing
after printing them; within 1 MiB on redis, a live server), jemalloc.arena
and jemalloc.metadata hold mapped + retained to the page, and 99 % of RSS
is labelled.  No region is glibc's (glibc's malloc never ran there), and
read under strace no 16-byte read of /proc/PID/mem is made: those are glibc
chunk-header probes, one per resident page of jemalloc's extents before.
With --no-mem no memory is read at all, nothing is labelled jemalloc's and
the blocks stay anon.

Two more runs of the fixture, on other copies of the library: `rebuilt`,
on the build of Debian's source that gen-jemalloc-layouts made (another
build-id, the same .data/.bss/.tdata: the table's row is taken by that
match, and everything above holds); `norow`, on a copy of Debian's library
whose version string says 5.3.9 and whose build-id is changed: no row, so
one warning naming jemalloc 5.3.9, exit 1, nothing labelled jemalloc's and
the blocks anon.

Copies linked into the program (Debian's libjemalloc.a): `static`, the
fixture so linked (readelf: no libjemalloc.so.2 needed, jemalloc's globals
in its .symtab), read as the shared library is, everything above holding
in both modes; `stripped`, the same program without .symtab: jemalloc is
recognised (its version in the warning, which says the program is
stripped), exit 1, nothing labelled jemalloc's or glibc's, the blocks anon
and no glibc chunk-header probe made; `config`, the static program with
one global's size in .symtab changed, as another configuration's size
classes would make it (readelf shows the new size): no row fits, one
warning, exit 1, nothing labelled jemalloc's.  `prefixed` and
`prefixed-stripped`: the fixture built as redis builds itself
(make_prefixed.py: jemalloc's public names je_*, glibc's malloc still
libc's; readelf: je_mallctl defined, malloc not), read or recognised as
above; glibc's malloc is live there, and still no chunk-header probe is
made (jemalloc's extents are read first, or, unread, not probed at all).

argv: MODE (mem | nomem) fixture FIXTURE | redis | rebuilt FIXTURE LIBDIR |
      norow FIXTURE | static FIXTURE | stripped FIXTURE | config FIXTURE |
      prefixed FIXTURE | prefixed-stripped FIXTURE
"""
import struct
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

GLIBC_LABELS = ('glibc.arena', 'glibc.mmap-chunk')


def mem_reads(tmp, pid, args):
    """(exit code, stderr, [lengths of pread64s of /proc/PID/mem]) of
    memmap args under strace."""
    if not shutil.which('strace'):
        mt.skip('strace is not installed')
    log = os.path.join(tmp, 'strace.log')
    cmd = ['strace', '-f', '-qq', '-y', '-e', 'trace=pread64', '-o', log,
           mt.memmap_path()] + [str(a) for a in args]
    # LeakSanitizer cannot run under ptrace (a sanitized build aborts):
    # off for this one run.
    env = dict(os.environ)
    env['ASAN_OPTIONS'] = (env.get('ASAN_OPTIONS', '') + ':detect_leaks=0').lstrip(':')
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True, timeout=120, env=env)
    if 'ptrace' in r.stderr and 'Operation not permitted' in r.stderr:
        mt.skip('strace cannot trace here: ' + r.stderr.strip())
    lengths = []
    mem = re.compile(r'pread64\(\d+</proc/%d/mem>, .*, (\d+), (0x[0-9a-f]+|\d+)\)' % pid)
    with open(log) as f:
        for line in f:
            m = mem.search(line)
            if m:
                lengths.append(int(m.group(1)))
    return r.returncode, r.stderr, lengths


JEMALLOC_LABELS = ('jemalloc.arena', 'jemalloc.metadata')
MiB = 1 << 20


def label_bytes(snap, label):
    return sum(mt.h(r['end']) - mt.h(r['start']) for m in snap['mappings']
               for r in m['regions'] if r['label'] == label)


def check_process(t, tmp, mode, pid, blocks, truth, tolerance):
    """truth: mallctl's totals by name (those the process gave)."""
    args = ['--no-mem'] if mode == 'nomem' else []
    snap, rc, err = mt.memmap_json(*(args + [pid]))
    t.eq(rc, 0, 'exit code (jemalloc read, or --no-mem)')
    warns = [w for w in snap.get('warnings', []) if 'jemalloc' in w]
    t.eq(warns, [], 'warnings naming jemalloc')
    mt.check_snapshot(t, snap, pid)
    glibc = [(r['start'], r['label']) for m in snap['mappings'] for r in m['regions']
             if r['label'] in GLIBC_LABELS]
    t.eq(glibc, [], 'regions labelled glibc\'s in a process whose malloc is jemalloc')
    want = 'anon' if mode == 'nomem' else 'jemalloc.arena'
    wrong = 0
    for start, size in blocks:
        for _, r in mt.regions_in(snap, start, start + size):
            if r['label'] != want:
                wrong += min(start + size, mt.h(r['end'])) - max(start, mt.h(r['start']))
    t.eq(wrong, 0, 'bytes of the %d blocks the fixture printed not %s' % (len(blocks), want))
    arena, meta = label_bytes(snap, 'jemalloc.arena'), label_bytes(snap, 'jemalloc.metadata')
    cover = snap['coverage']['rss']
    t.note('%s: jemalloc.arena %d, jemalloc.metadata %d bytes; RSS coverage %.4f' %
           (mode, arena, meta, cover))
    if mode == 'nomem':
        t.eq(arena + meta, 0, 'bytes labelled jemalloc\'s without reading memory')
        t.eq(snap.get('jemalloc'), None, 'JSON jemalloc without reading memory')
    else:
        t.check(cover >= 0.99, 'RSS labelled beyond anon %.4f >= 0.99' % cover)
        js = snap.get('jemalloc') or {}
        t.note('JSON jemalloc %r; mallctl %r' % (js, truth))
        for name in ('allocated', 'active', 'dirty', 'muzzy', 'retained', 'mapped',
                     'resident'):
            if name in truth:
                t.check(abs(js.get(name, -1) - truth[name]) <= tolerance,
                        'jemalloc %s %s, mallctl %d (within %d)' %
                        (name, js.get(name), truth[name], tolerance))
        # Base metadata is part of mallctl's, which adds the arenas'
        # internal allocations (inside extents).
        t.check(js.get('metadata', -1) <= truth.get('metadata', -1) + tolerance,
                'base metadata %s <= mallctl metadata %s' % (js.get('metadata'),
                                                             truth.get('metadata')))
        page = snap['page_size']
        held = truth.get('mapped', 0) + truth.get('retained', 0)
        t.check(abs(arena + meta - held) <= max(page, tolerance),
                'jemalloc.arena + jemalloc.metadata %d = mallctl mapped + retained %d' %
                (arena + meta, held))
        if 'dirty' in truth:
            unused = truth['active'] + truth['dirty'] + truth['muzzy'] + truth['retained']
            t.check(abs(arena - unused) <= page,
                    'jemalloc.arena %d = active + dirty + muzzy + retained %d' %
                    (arena, unused))
        t.eq(meta, js.get('metadata_mapped'), 'jemalloc.metadata = the bases\' mapped')

    rc, err, lengths = mem_reads(tmp, pid, args + [pid])
    t.eq(rc, 0, 'exit code under strace')
    probes = sum(1 for n in lengths if n == 16)
    t.note('%s: %d reads of /proc/%d/mem, %d of 16 bytes' % (mode, len(lengths), pid, probes))
    t.eq(probes, 0, '16-byte reads (glibc chunk-header probes) of its memory')
    if mode == 'nomem':
        t.eq(len(lengths), 0, 'reads of /proc/PID/mem with --no-mem')


def run_fixture(t, tmp, mode, path, libdir=None):
    env = {'LD_LIBRARY_PATH': libdir} if libdir else None
    with mt.Fixture([path], env=env) as fx:
        if libdir:
            with open('/proc/%d/maps' % fx.pid) as f:
                t.check(os.path.join(libdir, 'libjemalloc.so.2') in f.read(),
                        'the fixture runs on %s/libjemalloc.so.2' % libdir)
        blocks = [(mt.h(l[1]), int(l[2])) for l in fx.lines if l[0] == 'block']
        t.check(len(blocks) > 100, 'the fixture printed its blocks')
        st = [int(v) for v in fx.info['stats']]
        unused = [int(v) * 4096 for v in fx.info['unused']]
        truth = dict(zip(('allocated', 'active', 'resident', 'mapped', 'retained',
                          'metadata'), st))
        truth['dirty'], truth['muzzy'] = unused
        t.check(fx.info['version'][0].startswith('5.3.0-'), 'the fixture\'s jemalloc is 5.3.0')
        check_process(t, tmp, mode, fx.pid, blocks, truth, 0)


SYSTEM_LIB = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2'


def build_id(path):
    r = subprocess.run(['readelf', '-n', path], capture_output=True, text=True)
    m = re.search(r'Build ID: ([0-9a-f]+)', r.stdout)
    return m.group(1) if m else None


def run_rebuilt(t, tmp, mode, path, libdir):
    lib = os.path.join(libdir, 'libjemalloc.so.2')
    if not os.path.exists(lib) or not os.path.exists(SYSTEM_LIB):
        mt.skip('no build of Debian\'s jemalloc source at %s '
                '(scripts/gen-jemalloc-layouts makes one)' % libdir)
    t.check(build_id(lib) != build_id(SYSTEM_LIB),
            'the rebuilt library has a build-id of its own')
    run_fixture(t, tmp, mode, path, libdir)


def run_norow(t, tmp, path):
    if not os.path.exists(SYSTEM_LIB):
        mt.skip('libjemalloc2 is not installed')
    with open(SYSTEM_LIB, 'rb') as f:
        data = f.read()
    bid = bytes.fromhex(build_id(SYSTEM_LIB))
    t.eq(data.count(bid), 1, 'the build-id\'s bytes in the library')
    t.check(b'5.3.0-0-g' in data, 'the version string in the library')
    data = data.replace(bid, bytes(b ^ 0xff for b in bid)).replace(b'5.3.0-0-g', b'5.3.9-0-g')
    libdir = os.path.join(tmp, 'lib')
    os.mkdir(libdir)
    with open(os.path.join(libdir, 'libjemalloc.so.2'), 'wb') as f:
        f.write(data)
    with mt.Fixture([path], env={'LD_LIBRARY_PATH': libdir}) as fx:
        blocks = [(mt.h(l[1]), int(l[2])) for l in fx.lines if l[0] == 'block']
        t.eq(fx.info['version'][0].split('-')[0], '5.3.9', 'the copy\'s version')
        snap, rc, err = mt.memmap_json(fx.pid)
        t.eq(rc, 1, 'exit code (jemalloc without a table row)')
        warns = [w for w in snap.get('warnings', []) if 'jemalloc' in w]
        t.eq(len(warns), 1, 'warnings naming jemalloc: %r' % warns)
        t.check(warns and 'jemalloc 5.3.9:' in warns[0], 'the warning names 5.3.9: %r' % warns)
        mt.check_snapshot(t, snap, fx.pid)
        t.eq(label_bytes(snap, 'jemalloc.arena') + label_bytes(snap, 'jemalloc.metadata'), 0,
             'bytes labelled jemalloc\'s without a row')
        t.eq(snap.get('jemalloc'), None, 'JSON jemalloc without a row')
        wrong = sum(min(s + n, mt.h(r['end'])) - max(s, mt.h(r['start']))
                    for s, n in blocks for _, r in mt.regions_in(snap, s, s + n)
                    if r['label'] != 'anon')
        t.eq(wrong, 0, 'bytes of the %d blocks not anon' % len(blocks))


def readelf_symbols(path):
    """{name: [(value, size, type)]} of path's .symtab (empty: stripped)."""
    out = subprocess.run(['readelf', '-sW', path], capture_output=True, text=True,
                         check=True).stdout
    syms, table = {}, None
    for line in out.splitlines():
        m = re.match(r"Symbol table '(\S+)'", line)
        if m:
            table = m.group(1)
            continue
        m = re.match(r'\s*\d+: ([0-9a-f]+)\s+(\d+|0x[0-9a-f]+)\s+(\S+)\s+\S+\s+\S+\s+'
                     r'\S+\s+(\S+)$', line)
        if m and table == '.symtab':
            syms.setdefault(m.group(4), []).append((int(m.group(1), 16),
                                                    int(m.group(2), 0), m.group(3)))
    return syms


def needed(path):
    out = subprocess.run(['readelf', '-dW', path], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r'\(NEEDED\)\s+Shared library: \[([^]]+)\]', out)


def run_static(t, tmp, mode, path):
    t.check('libjemalloc.so.2' not in needed(path), 'the program needs no libjemalloc.so.2')
    syms = readelf_symbols(path)
    t.check('je_arenas' in syms and 'mallctl' in syms,
            'readelf: je_arenas and mallctl in the program\'s .symtab')
    run_fixture(t, tmp, mode, path)


def dynamic_definitions(path):
    """Names path defines in .dynsym."""
    out = subprocess.run(['readelf', '--dyn-syms', '-W', path], capture_output=True,
                         text=True, check=True).stdout
    return {f[7].split('@')[0] for f in (line.split() for line in out.splitlines())
            if len(f) >= 8 and f[6] != 'UND' and f[0].endswith(':')}


def run_prefixed(t, tmp, mode, path, stripped):
    t.check('malloc' not in dynamic_definitions(path),
            'readelf: the program defines no malloc (libc\'s is the one called)')
    if stripped:
        t.check(not readelf_symbols(path), 'readelf: the program has no .symtab')
        check_unread(t, tmp, mode, path, 'stripped')
        return
    syms = readelf_symbols(path)
    t.check('je_mallctl' in syms and 'je_arenas' in syms and 'malloc' not in syms,
            'readelf: je_mallctl and je_arenas in .symtab, no malloc')
    run_fixture(t, tmp, mode, path)


def check_unread(t, tmp, mode, path, says):
    """The fixture at path: jemalloc recognised, not read: one warning
    naming jemalloc 5.3.0 and saying `says`, exit 1, nothing labelled
    jemalloc's or glibc's, the blocks anon, no chunk-header probe."""
    args = ['--no-mem'] if mode == 'nomem' else []
    with mt.Fixture([path]) as fx:
        blocks = [(mt.h(l[1]), int(l[2])) for l in fx.lines if l[0] == 'block']
        t.check(fx.info['version'][0].startswith('5.3.0-'), 'the fixture\'s jemalloc is 5.3.0')
        with open('/proc/%d/maps' % fx.pid) as f:
            t.check('libjemalloc' not in f.read(), 'no libjemalloc mapped')
        snap, rc, err = mt.memmap_json(*(args + [fx.pid]))
        t.eq(rc, 1, 'exit code (jemalloc recognised, not read)')
        warns = [w for w in snap.get('warnings', []) if 'jemalloc' in w]
        t.eq(len(warns), 1, 'warnings naming jemalloc: %r' % warns)
        t.check(warns and 'jemalloc 5.3.0:' in warns[0] and says in warns[0],
                'the warning names jemalloc 5.3.0 and says %r: %r' % (says, warns))
        mt.check_snapshot(t, snap, fx.pid)
        for label in JEMALLOC_LABELS + GLIBC_LABELS:
            t.eq(label_bytes(snap, label), 0, 'bytes labelled %s' % label)
        t.eq(snap.get('jemalloc'), None, 'JSON jemalloc')
        wrong = sum(min(s + n, mt.h(r['end'])) - max(s, mt.h(r['start']))
                    for s, n in blocks for _, r in mt.regions_in(snap, s, s + n)
                    if r['label'] != 'anon')
        t.eq(wrong, 0, 'bytes of the %d blocks not anon' % len(blocks))
        rc, err, lengths = mem_reads(tmp, fx.pid, args + [fx.pid])
        t.eq(rc, 1, 'exit code under strace')
        t.eq(sum(1 for n in lengths if n == 16), 0, '16-byte reads (glibc chunk-header probes)')


def run_stripped(t, tmp, mode, path):
    t.check(not readelf_symbols(path), 'readelf: the program has no .symtab')
    check_unread(t, tmp, mode, path, 'stripped')


def set_symbol_size(path, name, size):
    """Rewrites the st_size of name's entry in path's .symtab (ELF64 LE)."""
    with open(path, 'r+b') as f:
        data = f.read()
        shoff, = struct.unpack_from('<Q', data, 0x28)
        shentsize, shnum = struct.unpack_from('<HH', data, 0x3a)
        shdrs = [struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize)
                 for i in range(shnum)]
        for sh in shdrs:
            if sh[1] != 2:		# SHT_SYMTAB
                continue
            strtab = shdrs[sh[6]]
            for off in range(sh[4], sh[4] + sh[5], 24):
                st_name, = struct.unpack_from('<I', data, off)
                at = strtab[4] + st_name
                if data[at:data.index(b'\0', at)] == name.encode():
                    f.seek(off + 16)
                    f.write(struct.pack('<Q', size))
                    return
    mt.die('no %s in %s\'s .symtab' % (name, path))


def run_config(t, tmp, mode, path):
    copy = os.path.join(tmp, 'jemalloc_fixture_config')
    shutil.copy(path, copy)
    (_, size, _), = readelf_symbols(path)['je_bin_infos']
    set_symbol_size(copy, 'je_bin_infos', size + 40)
    t.eq([s for _, s, _ in readelf_symbols(copy)['je_bin_infos']], [size + 40],
         'readelf: je_bin_infos one bin_info_t larger in the copy')
    check_unread(t, tmp, mode, copy, 'no layout for this build')


def redis_cli(sock, *cmd):
    return subprocess.run(['redis-cli', '-s', sock] + list(cmd), capture_output=True,
                          text=True, timeout=30).stdout


def run_redis(t, tmp, mode):
    server = shutil.which('redis-server')
    if not server or not shutil.which('redis-cli'):
        mt.skip('redis-server is not installed (scripts/install-deps installs it)')
    sock = os.path.join(tmp, 'redis.sock')
    argv = [server, '--port', '0', '--unixsocket', sock, '--save', '',
            '--appendonly', 'no', '--dir', tmp, '--enable-debug-command', 'yes',
            '--logfile', os.path.join(tmp, 'redis.log')]
    with mt.Process(argv) as p:
        for _ in range(200):
            if os.path.exists(sock) and redis_cli(sock, 'PING').strip() == 'PONG':
                break
            time.sleep(0.1)
        else:
            mt.die('redis-server did not answer on %s' % sock)
        t.eq(redis_cli(sock, 'DEBUG', 'POPULATE', '20000', 'key', '100').strip(), 'OK',
             'DEBUG POPULATE')
        info = dict(l.strip().split(':', 1) for l in
                    redis_cli(sock, 'INFO', 'memory').splitlines() if ':' in l)
        alloc = info.get('mem_allocator', '')
        t.note('INFO memory: mem_allocator %s, used_memory %s, allocator_resident %s' %
               (alloc, info.get('used_memory'), info.get('allocator_resident')))
        if not alloc.startswith('jemalloc-'):
            mt.skip('this redis-server allocates with %r, not jemalloc' % alloc)
        stats = redis_cli(sock, 'MEMORY', 'MALLOC-STATS')
        m = re.search(r'Allocated: (\d+), active: (\d+), metadata: (\d+).*?resident: (\d+), '
                      r'mapped: (\d+), retained: (\d+)', stats)
        t.check(m is not None, 'MEMORY MALLOC-STATS gives jemalloc\'s totals')
        truth = dict(zip(('allocated', 'active', 'metadata', 'resident', 'mapped',
                          'retained'), (int(v) for v in m.groups()))) if m else {}
        check_process(t, tmp, mode, p.pid, [], truth, MiB)


def main():
    mode, what = sys.argv[1], sys.argv[2]
    t = mt.Checker('jemalloc-%s-%s' % (what, mode))
    tmp = tempfile.mkdtemp(prefix='memmap-jemalloc-')
    try:
        if what != 'redis' and len(sys.argv) < 4:
            mt.skip('libjemalloc-dev (its .so and .a) is not installed: no fixture')
        if what == 'fixture':
            run_fixture(t, tmp, mode, sys.argv[3])
        elif what == 'rebuilt':
            run_rebuilt(t, tmp, mode, sys.argv[3], sys.argv[4])
        elif what == 'norow':
            run_norow(t, tmp, sys.argv[3])
        elif what == 'static':
            run_static(t, tmp, mode, sys.argv[3])
        elif what == 'stripped':
            run_stripped(t, tmp, mode, sys.argv[3])
        elif what == 'config':
            run_config(t, tmp, mode, sys.argv[3])
        elif what.startswith('prefixed'):
            run_prefixed(t, tmp, mode, sys.argv[3], what.endswith('stripped'))
        else:
            run_redis(t, tmp, mode)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == '__main__':
    main()
