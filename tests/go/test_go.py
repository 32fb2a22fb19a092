#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Go runtime labels, for one toolchain.

    test_go.py TAG GO FIXDIR      (fixtures FIXDIR/TAG-{idle,bigheap,cgo,stripped})

Truth comes from gdb (tests/go/gdb_truth.py) reading the runtime's own
structures through DWARF on the live fixture, before and after memmap runs
(never during), plus the heap addresses each fixture prints.

Exact mode (memory readable, DWARF present): every range the truth names
carries exactly its go.* label with how=runtime, no go.* region lies
outside the truth for its label, and a program without cgo keeps no
unlabelled anonymous memory.  Heuristic mode (a captured /proc tree of the
same process, whose memory cannot be read; the stripped build; --no-mem
when memmap has it): no region carries a go.* label the truth contradicts,
and the arenas at the hint addresses are go.heap.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GDB_TRUTH = os.path.join(HERE, 'gdb_truth.py')
GDB_ALLM = os.path.join(HERE, 'gdb_allm.py')


def gdb_truth(pid, twin=None, relocs=None, script=GDB_TRUTH):
    """The truth dict {label: [[start, end, what]]} for live pid.  twin:
    the symbols to use (the exe is stripped or deleted); relocs: where
    twin's sections sit in the stripped build; script: gdb_allm.py for
    the runtime's list of threads instead."""
    cmd = ['gdb', '-nx', '-batch', '-iex', 'set auto-load python-scripts off',
           '-ex', 'set confirm off', '-p', str(pid)]
    if twin and relocs is None:
        cmd += ['-ex', 'symbol-file %s' % twin]
    elif twin:
        arg = 'add-symbol-file %s' % twin
        for name, addr in relocs:
            arg += ' -s %s %#x' % (name, addr)
        cmd += ['-ex', arg]
    cmd += ['-x', script]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=120)
    for line in p.stdout.splitlines():
        if line.startswith('TRUTH '):
            import json
            return json.loads(line[6:])
    mt.die('gdb truth for %d failed: %s %s' % (pid, p.stdout[-500:], p.stderr[-500:]))


def stable(pid, run, twin=None, relocs=None):
    """Runs run() between two gdb truths; retries while the runtime's
    structures changed in between.  Returns (truth, run's result)."""
    for _ in range(5):
        before = gdb_truth(pid, twin, relocs)
        res = run()
        after = gdb_truth(pid, twin, relocs)
        if before == after:
            return before, res
    mt.die('%d: runtime structures kept changing' % pid)


def merged(ranges):
    out = []
    for s, e, _ in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def inside(s, e, union):
    return any(a <= s and e <= b for a, b in union)


def go_regions(snap):
    for m in snap['mappings']:
        for r in m['regions']:
            if r['label'].startswith('go.'):
                yield m, r


def check_heap_addrs(t, snap, fx, what):
    for words in fx.lines:
        if words[0] != 'heap':
            continue
        a = mt.h(words[1])
        rs = mt.regions_in(snap, a, a + 1)
        t.check(rs and rs[0][1]['label'] == 'go.heap',
                '%s: heap object %#x is %s, want go.heap' %
                (what, a, rs[0][1]['label'] if rs else 'unmapped'))


def check_exact(t, snap, truth, fx, what, allow_anon):
    for label, ranges in truth.items():
        for s, e, desc in ranges:
            t.check(mt.covered(snap, s, e), '%s: %s %s %#x-%#x is not mapped' %
                    (what, label, desc, s, e))
            for m, r in mt.regions_in(snap, s, e):
                t.check(r['label'] == label and r['how'] == 'runtime',
                        '%s: %s (%s %#x-%#x) has region %s-%s labelled %s/%s' %
                        (what, label, desc, s, e, r['start'], r['end'],
                         r['label'], r['how']))
    unions = {k: merged(v) for k, v in truth.items()}
    for m, r in go_regions(snap):
        s, e = mt.h(r['start']), mt.h(r['end'])
        t.check(inside(s, e, unions.get(r['label'], [])),
                '%s: region %s-%s labelled %s (%s) is not in the truth for it' %
                (what, r['start'], r['end'], r['label'], r['detail']))
    if not allow_anon:
        for m in snap['mappings']:
            for r in m['regions']:
                t.check(r['label'] != 'anon', '%s: region %s-%s left anon' %
                        (what, r['start'], r['end']))
    check_heap_addrs(t, snap, fx, what)


def check_heuristic(t, snap, truth, fx, what):
    """Right or absent: only go.heap, only inside the true arenas."""
    heap = merged(truth.get('go.heap', []))
    n = 0
    for m, r in go_regions(snap):
        s, e = mt.h(r['start']), mt.h(r['end'])
        n += 1
        t.check(r['label'] == 'go.heap' and r['how'] == 'heuristic' and inside(s, e, heap),
                '%s: heuristic region %s-%s labelled %s/%s, truth: heap arenas %s' %
                (what, r['start'], r['end'], r['label'], r['how'],
                 ['%#x-%#x' % (a, b) for a, b in heap]))
    # Our fixtures' arenas all grow up from the first hint: certain, found.
    for s, e, desc in truth.get('go.heap', []):
        if 0xc000000000 <= s < 0xc000000000 + (1 << 40):
            for _, r in mt.regions_in(snap, s, e):
                t.check(r['label'] == 'go.heap', '%s: %s region %s-%s is %s in heuristic mode' %
                        (what, desc, r['start'], r['end'], r['label']))
    # No byte of the runtime's memory carries another runtime's or a
    # thread's label: right (go.heap) or absent (anon).
    for label, ranges in truth.items():
        for s, e in merged(ranges):
            for m, r in mt.regions_in(snap, s, e):
                t.check(r['label'] in (label, 'anon'),
                        '%s: %s %#x-%#x has region %s-%s labelled %s/%s' %
                        (what, label, s, e, r['start'], r['end'], r['label'], r['how']))
    check_heap_addrs(t, snap, fx, what)
    t.note('%s: %d heuristic go.heap regions' % (what, n))


def check_runtime(t, snap, version, module, cgo, what, stripped=False):
    rt = snap.get('runtime') or {}
    t.eq(rt.get('lang'), 'go', what + ': runtime.lang')
    t.eq(rt.get('version'), version, what + ': runtime.version')
    t.eq(rt.get('module'), module, what + ': runtime.module')
    t.eq(rt.get('cgo'), cgo, what + ': runtime.cgo')
    t.eq(rt.get('stripped'), stripped, what + ': runtime.stripped')


def has_symtab(path):
    """readelf's word on whether path has a symbol table."""
    return any(s['name'] == '.symtab' for s in mt.readelf_sections(path))


def capture(pid, root):
    """A captured /proc tree of pid: smaps, status, comm and exe."""
    d = os.path.join(root, str(pid))
    os.makedirs(d)
    for f in ('smaps', 'status', 'comm'):
        with open('/proc/%d/%s' % (pid, f), 'rb') as src, open(os.path.join(d, f), 'wb') as dst:
            dst.write(src.read())
    os.symlink(os.readlink('/proc/%d/exe' % pid), os.path.join(d, 'exe'))


def has_no_mem():
    rc, out, err = mt.run_memmap('--help')
    return '--no-mem' in out


def relocations(stripped, twin, loose=('.go.buildinfo', '.rodata')):
    """add-symbol-file -s arguments placing twin's sections where the
    stripped build has them; None when the two differ beyond the build
    info, whose length records the -ldflags (in .go.buildinfo, and in
    .rodata too before Go 1.20).  The runtime's globals live in the data
    sections, which must match."""
    a = {s['name']: s for s in mt.readelf_sections(stripped) if 'A' in s['flags']}
    b = {s['name']: s for s in mt.readelf_sections(twin) if 'A' in s['flags']}
    if set(a) != set(b):
        return None
    out = []
    for name, s in b.items():
        if s['size'] != a[name]['size'] and name not in loose:
            return None
        out.append((name, a[name]['addr']))
    return out


# What go_locate.c must find in a stripped build (one of the last two,
# by version: the class-size table was renamed in Go 1.26).
LOCATED = ('runtime.mheap_', 'runtime.memstats', 'runtime.gcController',
           'runtime.gcBitsArenas', 'runtime.work', 'runtime.persistentChunks',
           'runtime.buckhash', 'runtime.allp', 'runtime.allm')
CLASS_SIZES = ('runtime.class_to_size', 'internal/runtime/gc.SizeClassToSize')


def check_located(t, pid, twin, relocs, what):
    """The globals memmap --debug says it located in the stripped build are
    where readelf -s of the unstripped twin has them, each moved with its
    section to where the stripped build has that section."""
    rc, out, err = mt.run_memmap('--debug', str(pid))
    got = dict(re.findall(r'located (\S+) at (0x[0-9a-f]+)', err))
    syms = {}
    for line in subprocess.run(['readelf', '-sW', twin], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        w = line.split()
        if len(w) == 8 and w[7] in LOCATED + CLASS_SIZES:
            syms[w[7]] = int(w[1], 16)
    moved = {s['name']: s['addr'] for s in mt.readelf_sections(twin)}
    to = dict(relocs)

    def where(addr):
        for s in mt.readelf_sections(twin):
            if 'A' in s['flags'] and s['addr'] <= addr < s['addr'] + max(s['size'], 1):
                return addr - moved[s['name']] + to[s['name']]
        return None

    want = [n for n in LOCATED + CLASS_SIZES if n in syms]
    t.check(len(want) == len(LOCATED) + 1, '%s: the twin has symbols %s' % (what, sorted(syms)))
    for name in want:
        t.eq(got.get(name), hex(where(syms[name])), '%s: located %s' % (what, name))


def check_threads(t, pid, what, twin=None, relocs=None, only_ms=True):
    """Each M of the runtime's thread list (allm) as memmap --debug reads
    it (thread id, g0's stack bounds) is the one gdb reads; every M whose
    system stack lies outside the Go heap and the main stack (a cgo
    thread's pthread stack) has that mapping labelled thread.stack for its
    thread; only_ms (no C threads): no thread.stack region holds no M's
    stack."""
    for _ in range(5):
        before = gdb_truth(pid, twin, relocs, GDB_ALLM)['ms']
        rc, out, err = mt.run_memmap('--debug', '-J', str(pid))
        after = gdb_truth(pid, twin, relocs, GDB_ALLM)['ms']
        if before == after:
            break
    got = [[int(a), int(b, 16), int(c, 16)] for a, b, c in
           re.findall(r'M tid (\d+) g0 stack (0x[0-9a-f]+)-(0x[0-9a-f]+)', err)]
    t.check(len(before) >= 2, '%s: gdb reads %d Ms' % (what, len(before)))
    t.eq(sorted(got), sorted(before), what + ': the Ms memmap read from allm')
    snap = json.loads(out)
    stacks = [(m, r) for m in snap['mappings'] for r in m.get('regions', [])
              if r['label'] == 'thread.stack']
    on_pthread = 0
    for tid, lo, hi in before:
        if hi <= lo or tid == 0:
            continue    # an M with no thread yet (cgo's extra M)
        at = [r for m in snap['mappings'] for r in m.get('regions', [])
              if int(r['start'], 16) <= hi - 1 < int(r['end'], 16)]
        label = at[0]['label'] if at else None
        if label in ('stack',) or (label or '').startswith('go.'):
            continue
        on_pthread += 1
        t.check(label == 'thread.stack' and 'tid %d' % tid in (at[0].get('detail') or ''),
                '%s: M tid %d stack %#x-%#x: %r' % (what, tid, lo, hi, at))
    for m, r in stacks if only_ms else []:
        t.check(any(int(r['start'], 16) <= hi - 1 < int(r['end'], 16)
                    for _, _, hi in before),
                '%s: thread.stack %s-%s holds no M\'s stack' % (what, r['start'], r['end']))
    return on_pthread


def check_newer(t, stripped, twin, relocs, version, tmp, tag):
    """The stripped build with its build info saying go1.99: no row and no
    DWARF, so the table's newest row is tried, used only as far as the
    runtime's pointers hold together with it; said (exit 1), no memstats.
    Right or absent in every case: each go.* region inside the truth for
    its label.  From the newest toolchain, the heap, its L2 map, the
    summaries and the scavenge index must be labelled too."""
    rows = open(os.path.join(os.environ['MEMMAP_SOURCE'],
                             'src/runtimes/go/go_offsets.c')).read()
    newest = max(int(v) for v in re.findall(r'"go1\.(\d+)"', rows))
    data = bytearray(open(stripped, 'rb').read())
    at = data.find(version.encode(), data.find(b'\xff Go buildinf:'))
    if not t.check(at > 0 and re.match(r'go1\.\d\d\.', version),
                   '%s: build info version %r not found' % (tag, version)):
        return
    data[at:at + 6] = b'go1.99'
    newer = os.path.join(tmp, 'newer')
    with open(newer, 'wb') as f:
        f.write(data)
    os.chmod(newer, 0o755)
    with mt.Fixture([newer], timeout=60) as fx:
        what = tag + '-stripped as go1.99'
        truth, (snap, rc, err) = stable(fx.pid, lambda: mt.memmap_json(fx.pid), twin, relocs)
        rt = snap.get('runtime') or {}
        t.eq(rt.get('version'), 'go1.99' + version[6:], what + ': version')
        t.eq(rc, 1, what + ': exit code')
        t.eq(rt.get('memstats'), None, what + ': memstats from a guessed layout')
        unions = {k: merged(v) for k, v in truth.items()}
        if version.startswith('go1.%d.' % newest):
            t.check('read with the layout of go1.%d' % newest in err,
                    '%s: no warning of the nearest layout: %r' % (what, err))
            # What mheap_ points to is read; a heapArena only when it is a
            # mapping of its own (it may have merged with a neighbour).
            for label in ('go.heap', 'go.heap-index', 'go.page-summary', 'go.scavenge-index'):
                for s, e in unions.get(label, []):
                    for m, r in mt.regions_in(snap, s, e):
                        t.check(r['label'] == label, '%s: %s %#x-%#x has region %s-%s '
                                'labelled %s' % (what, label, s, e, r['start'], r['end'],
                                                 r['label']))
        else:
            t.check('go runtime go1.99' in err, '%s: no warning: %r' % (what, err))
        for m, r in go_regions(snap):
            s, e = mt.h(r['start']), mt.h(r['end'])
            t.check(inside(s, e, unions.get(r['label'], [])),
                    '%s: region %s-%s labelled %s (%s) is not in the truth for it' %
                    (what, r['start'], r['end'], r['label'], r['detail']))
        for label, ranges in unions.items():
            for s, e in ranges:
                for m, r in mt.regions_in(snap, s, e):
                    t.check(r['label'] in (label, 'anon'), '%s: %s %#x-%#x has region '
                            '%s-%s labelled %s' % (what, label, s, e, r['start'], r['end'],
                                                   r['label']))


def load_bias(pid, exe):
    """Where the kernel put exe's first PT_LOAD, less its link address
    (from /proc/PID/maps and readelf -l)."""
    first = None
    for line in subprocess.run(['readelf', '-lW', exe], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        w = line.split()
        if w[:1] == ['LOAD']:
            first = int(w[2], 16) & ~0xfff
            break
    real = os.path.realpath(exe)
    with open('/proc/%d/maps' % pid) as f:
        for line in f:
            w = line.split()
            if len(w) >= 6 and w[5] == real and int(w[2], 16) == 0:
                return int(w[0].split('-')[0], 16) - first
    mt.die('%s: not mapped in %d' % (exe, pid))


def check_stripped_pie(t, fixdir, tag, version, tmp):
    """Go 1.26+ stripped PIE: text start and globals from the file's link
    addresses, moved by the load bias; exact, checked against gdb with the
    unstripped PIE's symbols placed at the stripped one's sections plus the
    bias."""
    exe = os.path.join(fixdir, tag + '-pie-stripped')
    twin = os.path.join(fixdir, tag + '-pie')
    if not os.path.exists(exe):
        return
    # A PIE's function table also records the -ldflags (8 bytes longer).
    relocs = relocations(exe, twin, ('.go.buildinfo', '.rodata', '.gopclntab'))
    if not t.check(relocs is not None and not has_symtab(exe),
                   '%s: sections differ from the PIE twin, or a .symtab' % exe):
        return
    with mt.Fixture([exe], timeout=60) as fx:
        what = tag + '-pie-stripped'
        bias = load_bias(fx.pid, exe)
        t.check(bias != 0, what + ': loaded at its link address')
        moved = [(name, addr + bias) for name, addr in relocs]
        truth, (snap, rc, err) = stable(fx.pid, lambda: mt.memmap_json(fx.pid), twin, moved)
        t.check(rc == 0 and 'go runtime' not in err, '%s: exit %d, stderr %r' % (what, rc, err))
        check_runtime(t, snap, version, 'memmap.test/idle', False, what, stripped=True)
        check_located(t, fx.pid, twin, relocs, what)
        # Allow anon only outside the runtime (the brk heap of a PIE).
        check_exact(t, snap, truth, fx, what, allow_anon=True)
        t.check(sum(len(v) for v in truth.values()) > 5, '%s: truth %s' % (what, truth))

    # Its blob's magic zeroed too, and .data's pointers zeroed where an
    # R_X86_64_RELATIVE relocation (readelf -r) fills them at load, as a
    # linker that does not write them in place leaves them (lld's default):
    # runtime.buildVersion's string header holds no pointer in the file;
    # the version and module still read, through the relocations.
    data = bytearray(open(exe, 'rb').read())
    at = data.find(b'\xff Go buildinf:')
    data[at:at + 14] = bytes(14)
    sec = next(s for s in mt.readelf_sections(exe) if s['name'] == '.data')
    zeroed = 0
    rel = subprocess.run(['readelf', '-rW', exe], capture_output=True, text=True).stdout
    for line in rel.splitlines():
        w = line.split()
        if len(w) >= 4 and w[2] == 'R_X86_64_RELATIVE':
            off = int(w[0], 16) - sec['addr']
            if 0 <= off < sec['size']:
                data[sec['off'] + off:sec['off'] + off + 8] = bytes(8)
                zeroed += 1
    noblob = os.path.join(tmp, 'pie-noblob')
    with open(noblob, 'wb') as f:
        f.write(data)
    os.chmod(noblob, 0o755)
    t.check(at >= 0 and zeroed > 1,
            '%s-pie-stripped noblob: magic at %d, %d pointers zeroed' % (tag, at, zeroed))
    with mt.Fixture([noblob], timeout=60) as fx:
        what = tag + '-pie-stripped without build info'
        snap, rc, err = mt.memmap_json(fx.pid)
        t.check(rc == 0 and 'go runtime' not in err, '%s: exit %d, stderr %r' % (what, rc, err))
        check_runtime(t, snap, version, 'memmap.test/idle', False, what, stripped=True)


def check_said(t, pid, rc, out, err, version, what):
    """A recognised runtime that was not read: exit 1, one warning naming
    it, and a coverage line below 100.0% while /proc shows anonymous memory
    that is not labelled (the JSON's anon category, measured by smaps)."""
    t.eq(rc, 1, what + ': exit code when the runtime was not read')
    warns = [l for l in err.splitlines() if 'go runtime' in l]
    t.check(len(warns) == 1 and ('go runtime %s not read' % version) in warns[0] and
            'of anonymous memory left unlabelled' in warns[0],
            '%s: want one warning naming the runtime, got %r' % (what, err))
    snap = mt.memmap_json(pid)[0]
    anon = next((c for c in snap.get('categories', []) if c.get('label') == 'anon'), None)
    cov = [l for l in out.splitlines() if l.startswith('labelled beyond anon:')]
    if anon and anon.get('vsz'):
        t.check(cov and '100.0% of VSZ' not in cov[0],
                '%s: %s anon bytes, coverage line %r' % (what, anon['vsz'], cov))


def main():
    if sys.argv[1] == '--missing':
        mt.skip('%s is not installed' % sys.argv[2])
    tag, go, fixdir = sys.argv[1:4]
    t = mt.Checker('go-' + tag)
    if not shutil.which('gdb'):
        mt.skip('gdb is not installed: no truth for the Go runtime')
    version = subprocess.run([go, 'env', 'GOVERSION'], capture_output=True, text=True,
                             env=dict(os.environ, GOTOOLCHAIN='local')).stdout.strip()
    no_mem = has_no_mem()
    tmp = tempfile.mkdtemp(prefix='memmap-go-')
    try:
        # A PIE is idle loaded at a random base (symbols move by the bias)
        # with ld.so's mappings beside it, which are not this test's; so is
        # the runtime of a c-shared library in a python3 process.
        for kind in ('idle', 'bigheap', 'cgo', 'pie', 'cshared'):
            what = '%s-%s' % (tag, kind)
            module = 'memmap.test/' + ('idle' if kind == 'pie' else kind)
            argv = [os.path.join(fixdir, '%s-%s' % (tag, kind))]
            if kind == 'cshared':
                argv = [sys.executable, os.path.join(HERE, 'cshared_loader.py'),
                        argv[0] + '.so']
            with mt.Fixture(argv, timeout=60) as fx:
                truth, (snap, rc, err) = stable(fx.pid, lambda: mt.memmap_json(fx.pid))
                t.note('%s: truth %s' % (what, {k: len(v) for k, v in sorted(truth.items())}))
                t.check('go runtime' not in err,
                        '%s: warned although the runtime was read: %r' % (what, err))
                check_runtime(t, snap, version, module, kind in ('cgo', 'cshared'), what)
                check_exact(t, snap, truth, fx, what, allow_anon=kind != 'idle' and
                            kind != 'bigheap')
                if kind in ('idle', 'cgo'):
                    n = check_threads(t, fx.pid, what, only_ms=kind == 'idle')
                    t.check((n > 0) == (kind == 'cgo'),
                            '%s: %d Ms on stacks of their own' % (what, n))

                root = os.path.join(tmp, kind)
                truth2, snapc = stable(fx.pid, lambda: (
                    capture(fx.pid, root),
                    mt.memmap_json('--proc-root', root, fx.pid)[0])[1])
                check_runtime(t, snapc, version, module, kind in ('cgo', 'cshared'),
                              what + ' captured')
                check_heuristic(t, snapc, truth2, fx, what + ' captured')
                if no_mem:
                    truth3, snapn = stable(fx.pid, lambda: mt.memmap_json('--no-mem', fx.pid)[0])
                    check_heuristic(t, snapn, truth3, fx, what + ' --no-mem')

        # A deleted executable is still read (through map_files/).
        copy = os.path.join(tmp, 'idle copy')
        shutil.copy(os.path.join(fixdir, tag + '-idle'), copy)
        with mt.Fixture([copy], timeout=60) as fx:
            os.unlink(copy)
            what = tag + '-idle deleted'
            truth, snap = stable(fx.pid, lambda: mt.memmap_json(fx.pid)[0],
                                 os.path.join(fixdir, tag + '-idle'))
            check_runtime(t, snap, version, 'memmap.test/idle', False, what)
            check_exact(t, snap, truth, fx, what, allow_anon=False)

        # cgo from runtime.iscgo, not from dynamic linking.
        static = os.path.join(fixdir, tag + '-cgostatic')
        names = [s['name'] for s in mt.readelf_sections(static)]
        iscgo = subprocess.run(['gdb', '-nx', '-batch', '-ex', "print/d 'runtime.iscgo'", static],
                               capture_output=True, text=True).stdout.split()
        t.check('.dynsym' not in names and iscgo[-1:] == ['1'],
                '%s-cgostatic: readelf sections %s, gdb iscgo %s' % (tag, names, iscgo))
        with mt.Fixture([static], timeout=60) as fx:
            snap = mt.memmap_json(fx.pid)[0]
            check_runtime(t, snap, version, 'memmap.test/cgo', True, tag + '-cgostatic')

        stripped = os.path.join(fixdir, tag + '-stripped')
        twin = os.path.join(fixdir, tag + '-idle')
        relocs = relocations(stripped, twin)
        if not t.check(relocs is not None, '%s-stripped: sections differ from the idle '
                       'build beyond the build info; no truth' % tag):
            t.done()
        with mt.Fixture([stripped], timeout=60) as fx:
            what = tag + '-stripped'
            truth, snap = stable(fx.pid, lambda: mt.memmap_json(fx.pid)[0], twin, relocs)
            t.check(mt.regions_in(snap, truth['go.heap-index'][0][0],
                                  truth['go.heap-index'][0][0] + 1),
                    what + ': the relocated truth does not point at a mapping')
            t.check(not has_symtab(stripped), what + ': readelf shows a .symtab')
            rc, out, err = mt.run_memmap(str(fx.pid))
            head = out.splitlines()[0] if out else ''
            t.check(head.endswith(' go %s stripped' % version),
                    '%s: table header %r does not say stripped' % (what, head))
            # Exact without symbols: globals found in the code, where the
            # twin's symbols (moved with their sections) put them.
            t.check(rc == 0 and 'go runtime' not in err,
                    '%s: exit %d, stderr %r' % (what, rc, err))
            check_located(t, fx.pid, twin, relocs, what)
            check_runtime(t, snap, version, 'memmap.test/idle', False, what, stripped=True)
            check_exact(t, snap, truth, fx, what, allow_anon=False)
            check_threads(t, fx.pid, what, twin, relocs)

        # Neither the section header nor the blob (its magic zeroed), as
        # Go's own debug/buildinfo (`go version`) confirms: still Go by
        # .gopclntab's header (and .go.module from 1.26), as readelf shows
        # them; the version and module from runtime.buildVersion and
        # runtime.modinfo, read exactly.
        noblob = os.path.join(tmp, 'noblob')
        data = bytearray(open(stripped, 'rb').read())
        at = data.find(b'\xff Go buildinf:')
        data[at:at + 14] = bytes(14)
        with open(noblob, 'wb') as f:
            f.write(data)
        os.chmod(noblob, 0o755)
        names = [s['name'] for s in mt.readelf_sections(noblob)]
        t.check(at >= 0 and '.gopclntab' in names, '%s noblob: magic at %d, sections %s' %
                (tag, at, names))
        gv = subprocess.run([go, 'version', noblob], capture_output=True, text=True,
                            env=dict(os.environ, GOTOOLCHAIN='local', GOTELEMETRY='off'))
        t.check(gv.returncode != 0 or version not in gv.stdout,
                '%s noblob: go version still reads it: %r' % (tag, gv.stdout))
        with mt.Fixture([noblob], timeout=60) as fx:
            what = tag + '-stripped without build info'
            truth, (snap, rc, err) = stable(fx.pid, lambda: mt.memmap_json(fx.pid), twin,
                                            relocs)
            t.check(rc == 0 and 'go runtime' not in err,
                    '%s: exit %d, stderr %r' % (what, rc, err))
            check_runtime(t, snap, version, 'memmap.test/idle', False, what, stripped=True)
            check_exact(t, snap, truth, fx, what, allow_anon=False)

        # And with runtime.buildVersion's bytes zeroed too: version
        # unknown, said.
        v = version.encode()
        data = bytearray(bytes(data).replace(v, bytes(len(v))))
        noversion = os.path.join(tmp, 'noversion')
        with open(noversion, 'wb') as f:
            f.write(data)
        os.chmod(noversion, 0o755)
        with mt.Fixture([noversion], timeout=60) as fx:
            what = tag + '-stripped without build info or version'
            snap, rc, err = mt.memmap_json(fx.pid)
            rt = snap.get('runtime') or {}
            t.check(rt.get('lang') == 'go' and rt.get('version') is None and
                    rt.get('stripped') is True, '%s: runtime %s' % (what, rt))
            rc, out, err = mt.run_memmap(str(fx.pid))
            check_said(t, fx.pid, rc, out, err, 'of unknown version', what)

        # Go 1.26+: the same without a .go.buildinfo section header; the
        # build info is found by its magic, the runtime still recognised.
        nobi = os.path.join(fixdir, tag + '-nobuildinfo')
        if os.path.exists(nobi):
            names = [s['name'] for s in mt.readelf_sections(nobi)]
            t.check('.go.buildinfo' not in names and '.go.module' in names,
                    '%s-nobuildinfo: readelf shows sections %s' % (tag, names))
            with mt.Fixture([nobi], timeout=60) as fx:
                what = tag + '-nobuildinfo'
                truth, snap = stable(fx.pid, lambda: mt.memmap_json(fx.pid)[0], twin, relocs)
                check_runtime(t, snap, version, 'memmap.test/idle', False, what, stripped=True)
                check_located(t, fx.pid, twin, relocs, what)
                check_exact(t, snap, truth, fx, what, allow_anon=False)

        check_stripped_pie(t, fixdir, tag, version, tmp)
        check_newer(t, stripped, twin, relocs, version, tmp, tag)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == '__main__':
    main()
