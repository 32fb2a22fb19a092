#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A HotSpot JVM (tests/jvm/MemmapFixture.java: a known live heap, named
threads) under G1, Parallel or Serial, with native memory tracking on.  The truth
is the JVM's own: `jcmd PID VM.native_memory detail` lists every range it
reserved and committed, by type (Java Heap, Code, GC, Thread Stack...);
the fixture prints its version and its threads' names; /proc/PID/maps
says which ranges are PROT_NONE.

Checked: memmap names the runtime (java and the version the VM reports);
no byte carries a label the JVM's ranges contradict (a jvm.* label outside
a range of its type, thread.* outside a Thread Stack, any other label but
anon and file inside a JVM range), in exact and --no-mem modes alike, and
the release is named in both; in exact mode jvm.heap and jvm.code are
exactly the JVM's Java Heap and Code ranges (reserved and committed),
jvm.metaspace and jvm.class-space its Metaspace and Class ranges, G1's
side tables (NMT GC ranges a bit per heap word or a byte per card) are
jvm.gc, the heap's committed figure in the runtime section is NMT's and
its used figure holds the live data; every Java thread's stack is
labelled with its name; each thread stack's PROT_NONE zone at its low
end is thread.guard in both modes; and in exact mode at most 1 % of RSS
lies unlabelled in the JVM's ranges and the whole process's RSS coverage
is at least 99 % (best of up to three reads: a malloc arena the VM's
threads change during a read is declined, not mislabelled).
RSS coverage is reported in both modes.

argv: MODE (mem | nomem) GC (g1 | parallel | serial) CLASSDIR JDK (17: the system's
java; 11: bullseye's JRE, 21: trixie's (run by trixie's loader), both of
which scripts/fetch-suites unpacks; jcmd is always the system's, which
attaches to each)
"""
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

# The NMT types each label may lie in.
ALLOWED = {
    'jvm.heap': {'Java Heap'},
    'jvm.code': {'Code'},
    'jvm.gc': {'GC'},
    'jvm.cds': {'Shared class space'},
    'jvm.metaspace': {'Metaspace'},
    'jvm.class-space': {'Class'},
    'thread.stack': {'Thread Stack'},
    'thread.guard': {'Thread Stack'},
}
# Labels that say nothing a JVM range could contradict.
NEUTRAL = {'anon', 'file'}
RANGE = re.compile(r'^\[0x([0-9a-f]+) - 0x([0-9a-f]+)\] reserved (?:and committed )?'
                   r'\d+KB for (.+?) from')
COMMITTED = re.compile(r'^\s+\[0x([0-9a-f]+) - 0x([0-9a-f]+)\] committed \d+KB')


def nmt_detail(pid):
    """[(start, end, type, [(cstart, cend)...])] of `jcmd PID
    VM.native_memory detail`'s virtual memory map."""
    r = subprocess.run(['jcmd', str(pid), 'VM.native_memory', 'detail'],
                       capture_output=True, text=True, timeout=240)
    if r.returncode != 0:
        mt.die('jcmd %d VM.native_memory detail: exit %d: %s' %
               (pid, r.returncode, r.stderr.strip() or r.stdout[-300:]))
    out = []
    for line in r.stdout.splitlines():
        m = RANGE.match(line)
        if m:
            whole = 'reserved and committed' in line
            out.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3), []))
            if whole:
                out[-1][3].append((out[-1][0], out[-1][1]))
            continue
        m = COMMITTED.match(line)
        if m and out:
            out[-1][3].append((int(m.group(1), 16), int(m.group(2), 16)))
    if not out:
        mt.die('jcmd printed no virtual memory map: %r' % r.stdout[:300])
    return out


def overlap(a, b, c, d):
    return max(0, min(b, d) - max(a, c))


def regions(snap):
    for m in snap['mappings']:
        for r in m['regions']:
            yield m, r, mt.h(r['start']), mt.h(r['end'])


def wrong_bytes(snap, nmt, allowed=ALLOWED, neutral=NEUTRAL):
    """Bytes whose label a JVM range contradicts, by label."""
    wrong = {}
    for _, r, s, e in regions(snap):
        label = r['label']
        if label in neutral:
            continue
        inside = {}
        for a, b, typ, _ in nmt:
            n = overlap(s, e, a, b)
            if n:
                inside[typ] = inside.get(typ, 0) + n
        if label in allowed:
            if label.startswith('jvm.'):
                bad = (e - s) - sum(n for t, n in inside.items() if t in allowed[label])
            else:
                bad = sum(n for t, n in inside.items() if t not in allowed[label])
        else:
            bad = sum(inside.values())
        if bad:
            wrong[label] = wrong.get(label, 0) + bad
    return wrong


def label_bytes(snap, label, maps, committed_only=False):
    """VSZ of label's regions; committed_only: their parts not PROT_NONE."""
    total = 0
    for m, r, s, e in regions(snap):
        if r['label'] != label:
            continue
        if committed_only and m['perms'].startswith('---'):
            continue
        total += e - s
    return total


def nmt_bytes(nmt, typ, committed=False):
    if committed:
        return sum(cb - ca for a, b, t, c in nmt if t == typ for ca, cb in c)
    return sum(b - a for a, b, t, _ in nmt if t == typ)


def label_at(snap, addr):
    for _, r, s, e in regions(snap):
        if s <= addr < e:
            return r
    return None


def check_stacks(t, snap, nmt, maps, mode):
    """Each Thread Stack range: the PROT_NONE mapping at its low end (the
    JVM's zone) thread.guard, the rest thread.stack.  Without the memory a
    thread is placed by its stack pointer and the shape only, and one not
    placed (its stack pointer not read) stays anon, its zone with it: anon
    is no contradiction, another label is."""
    zones = 0
    for a, b, typ, _ in nmt:
        if typ != 'Thread Stack':
            continue
        r = label_at(snap, b - 1)
        top = r and r['label']
        if mode == 'nomem' and top == 'anon':
            t.note('no-mem: the thread stack below %#x not placed (anon)' % b)
        else:
            t.eq(top, 'thread.stack', 'label of the stack below %#x' % b)
        low = [m for m in maps if m[0] == a]
        if low and low[0][2].startswith('---') and low[0][1] < b:
            zones += 1
            r = label_at(snap, a)
            want = ('thread.guard', 'anon') if top == 'anon' else ('thread.guard',)
            t.check(r and r['label'] in want, 'label of the zone at %#x: %r, want %s' %
                    (a, r and r['label'], ' or '.join(want)))
    t.check(zones >= 3, 'thread stacks with a protected zone: %d' % zones)


GC_FLAGS = {'g1': '-XX:+UseG1GC', 'parallel': '-XX:+UseParallelGC',
            'serial': '-XX:+UseSerialGC', 'z': '-XX:+UseZGC'}
GC_NAMES = {'g1': 'G1', 'parallel': 'Parallel', 'serial': 'Serial'}
SUITES = os.environ.get('MEMMAP_SUITES', '/var/cache/memmap-suites')
TRIXIE_LIBS = os.path.join(SUITES, 'trixie/usr/lib/x86_64-linux-gnu')
JAVA = {
    '17': 'java',
    '11': os.path.join(SUITES, 'bullseye/usr/lib/jvm/java-11-openjdk-amd64/bin/java'),
    # trixie's JDK 21 needs glibc 2.38: run by trixie's loader
    '21': os.path.join(SUITES, 'trixie/usr/lib/jvm/java-21-openjdk-amd64/bin/java'),
}


def run(t, mode, gc, classdir, jdk):
    if not shutil.which('java') or not shutil.which('jcmd'):
        mt.skip('no java and jcmd (scripts/install-deps installs openjdk-17-jdk-headless)')
    java = JAVA[jdk]
    if not shutil.which(java):
        mt.skip('no JDK %s: scripts/fetch-suites unpacks it (%s)' % (jdk, java))
    loader = []
    if jdk == '21':
        ld = os.path.join(TRIXIE_LIBS, 'ld-linux-x86-64.so.2')
        if not os.path.exists(ld):
            mt.skip('no glibc 2.41 loader for JDK 21: scripts/fetch-suites unpacks it')
        loader = [ld, '--library-path', TRIXIE_LIBS + ':/usr/lib/x86_64-linux-gnu']
    # No threads started or ended by the VM between NMT's answer and
    # memmap's (compiler and GC threads come and go by default).
    argv = loader + [java, '-Xms64m', '-Xmx256m', GC_FLAGS[gc], '-XX:NativeMemoryTracking=detail',
            '-Xshare:auto', '-XX:-UseDynamicNumberOfCompilerThreads',
            '-XX:-UseDynamicNumberOfGCThreads',
            '-cp', classdir, 'MemmapFixture', '32', '3']
    with mt.Fixture(argv, timeout=180) as fx:
        pid = fx.pid
        names = [l[1] for l in fx.lines if l[0] == 'thread']
        version = fx.info['version'][0]
        args = ['--no-mem'] if mode == 'nomem' else []
        # JDK 11's NMT counts all of metaspace as Class.
        allowed = dict(ALLOWED, **{'jvm.metaspace': {'Class'}}) if jdk == '11' else ALLOWED
        # NMT's answer and memmap's read are two moments: a thread the VM
        # starts or ends between them (jcmd's own attach listener) shows
        # as a stack or guard where NMT has none.  Asked again, twice, a
        # label that still contradicts NMT is wrong.
        for attempt in range(3):
            nmt = nmt_detail(pid)
            maps = [(m['start'], m['end'], m['perms']) for m in mt.proc_maps(pid)]
            snap, rc, err = mt.memmap_json(*(args + [pid]))
            wrong = wrong_bytes(snap, nmt, allowed)
            if not wrong or gc == 'z':
                break
            t.note('read %d: labelled against NMT: %r' % (attempt + 1, wrong))
        if gc == 'z' and mode == 'mem':
            return unread_heap(t, snap, rc, nmt, version)
        t.eq(rc, 0, 'exit code (stderr %r)' % err.strip())
        mt.check_snapshot(t, snap, pid)
        rt = snap.get('runtime') or {}
        t.eq(rt.get('lang'), 'java', 'runtime.lang')
        # Without the memory too: the release is read from libjvm's file.
        t.eq(rt.get('version'), version, 'runtime.version (the VM says %s)' % version)
        t.eq(wrong, {}, 'bytes labelled against the JVM\'s own ranges')
        check_stacks(t, snap, nmt, maps, mode)
        cov = snap['coverage']['rss']
        t.note('%s %s: RSS coverage %.2f %%, jvm.heap %d, jvm.code %d, jvm.gc %d of GC %d, '
               'jvm.cds %d of Shared class space %d, jvm.metaspace %d, jvm.class-space %d' % (
                   gc, mode, 100 * cov, label_bytes(snap, 'jvm.heap', maps),
                   label_bytes(snap, 'jvm.code', maps), label_bytes(snap, 'jvm.gc', maps),
                   nmt_bytes(nmt, 'GC'), label_bytes(snap, 'jvm.cds', maps),
                   nmt_bytes(nmt, 'Shared class space'), label_bytes(snap, 'jvm.metaspace', maps),
                   label_bytes(snap, 'jvm.class-space', maps)))
        if mode == 'nomem':
            return
        for label, typ in (('jvm.heap', 'Java Heap'), ('jvm.code', 'Code')):
            t.eq(label_bytes(snap, label, maps), nmt_bytes(nmt, typ),
                 '%s bytes = NMT %s reserved' % (label, typ))
            t.eq(label_bytes(snap, label, maps, True), nmt_bytes(nmt, typ, True),
                 '%s read-write bytes = NMT %s committed' % (label, typ))
        t.check(label_bytes(snap, 'jvm.gc', maps) > 0, 'a card table labelled jvm.gc')
        # Metaspace and the class space: every NMT range of theirs, whole.
        meta = label_bytes(snap, 'jvm.metaspace', maps) + label_bytes(snap, 'jvm.class-space', maps)
        t.eq(meta, nmt_bytes(nmt, 'Metaspace') + nmt_bytes(nmt, 'Class'),
             'jvm.metaspace + jvm.class-space bytes = NMT Metaspace + Class reserved')
        if jdk != '11':
            t.eq(label_bytes(snap, 'jvm.class-space', maps), nmt_bytes(nmt, 'Class'),
                 'jvm.class-space bytes = NMT Class reserved')
        if gc == 'g1':
            # G1's side tables: a bit per heap word (mark bitmaps) or a
            # byte per 512-byte card (block offsets, cards, card counts).
            heap = nmt_bytes(nmt, 'Java Heap')
            for a, b, typ, _ in nmt:
                if typ == 'GC' and b - a in (heap // 64, heap // 512):
                    r = label_at(snap, a)
                    t.eq(r and r['label'], 'jvm.gc', 'label of G1\'s %d-byte table at %#x' %
                         (b - a, a))
        jvm = rt.get('jvm') or {}
        t.eq(jvm.get('gc'), GC_NAMES[gc], 'runtime.jvm.gc')
        t.eq(jvm.get('heap_reserved'), nmt_bytes(nmt, 'Java Heap'), 'runtime.jvm.heap_reserved')
        t.eq(jvm.get('heap_committed'), nmt_bytes(nmt, 'Java Heap', True),
             'runtime.jvm.heap_committed = NMT Java Heap committed')
        t.check(0 < (jvm.get('heap_used') or 0) <= jvm.get('heap_committed', 0),
                'runtime.jvm.heap_used %r within committed' % jvm.get('heap_used'))
        t.check((jvm.get('heap_used') or 0) >= 32 << 20, 'heap_used holds the 32 MiB '
                'the fixture keeps live: %r' % jvm.get('heap_used'))
        details = [r.get('detail') or '' for _, r, _, _ in regions(snap)
                   if r['label'] == 'thread.stack']
        for n in names:
            if n.startswith('memmap-worker-'):
                t.check(any(d.startswith('java thread') and d.endswith(n[:15])
                            for d in details), 'a Java thread stack named %s' % n)
        # What stays anon of the JVM's own ranges is little: G1's mark
        # stack and from-card cache, the safepoint polling page.  Anon
        # outside them is malloc's (an arena the glibc labeller declined
        # while the VM's threads still allocate) and is only reported.
        anon = sorted(((r['rss'], s, e) for _, r, s, e in regions(snap)
                       if r['label'] == 'anon' and r['rss']), reverse=True)
        rss = sum(m['rss'] for m in snap['mappings'])
        in_jvm = sum(n for n, s, e in anon if any(overlap(s, e, a, b) for a, b, _, _ in nmt))
        t.check(in_jvm <= rss // 100, 'anon RSS inside the JVM\'s ranges %d <= 1 %% of RSS %d'
                % (in_jvm, rss))
        if cov < 0.99:
            for n, s, e in anon[:8]:
                typ = [typ for a, b, typ, _ in nmt if overlap(s, e, a, b)]
                t.note('anon %#x-%#x RSS %d in NMT %s' % (s, e, n, typ or 'nothing'))
        # The bar, on the whole process: a malloc arena that the
        # VM's threads were changing as memmap read it may be declined
        # (anon, never wrong), so up to two more reads a moment later.
        for _ in range(2):
            if cov >= 0.99:
                break
            time.sleep(0.5)
            again, _, _ = mt.memmap_json(pid)
            cov = max(cov, again['coverage']['rss'])
        t.check(cov >= 0.99, 'RSS coverage %.2f %% >= 99 %% (best of up to 3 reads)'
                % (100 * cov))


def unread_heap(t, snap, rc, nmt, version):
    """ZGC keeps no CollectedHeap::_reserved: its heap is recognised and
    not read.  One warning saying so, exit 1, no jvm.heap, and nothing
    labelled against the JVM's own ranges."""
    t.eq(rc, 1, 'exit code with the heap not read')
    want = 'HotSpot %s: its Java heap (Z collector) is not read' % version
    t.eq([w for w in snap['warnings'] if w.startswith(want)] and 1, 1,
         'a warning "%s": %r' % (want, snap['warnings']))
    t.eq(label_bytes(snap, 'jvm.heap', []), 0, 'jvm.heap bytes')
    # ZGC's heap is views of one memfd: shmem, as the kernel says.
    t.eq(wrong_bytes(snap, nmt, neutral=NEUTRAL | {'shmem'}), {},
         'bytes labelled against the JVM\'s own ranges')
    t.check(label_bytes(snap, 'jvm.code', []) > 0, 'the code cache labelled all the same')


def main():
    mode, gc, classdir, jdk = sys.argv[1:5]
    t = mt.Checker('jvm%s-%s-%s' % (jdk, gc, mode))
    run(t, mode, gc, classdir, jdk)
    t.done()


if __name__ == '__main__':
    main()
