#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""glibc 2.39+ names its mappings when GLIBC_TUNABLES=glibc.mem.decorate_maps=1
(`[anon: glibc: malloc arena]`, `[anon: glibc: malloc]`, `[anon: glibc:
pthread stack: TID]`, `[anon: glibc: pthread user stack: TID]`, `[anon:
glibc: loader malloc]`).  This kernel lacks CONFIG_ANON_VMA_NAME and this
glibc is 2.36, so the test captures threads_fixture's /proc tree and names
its mappings the way glibc would, from what the fixture printed: each
anonymous smaps entry is cut at the truth's boundaries, named, and
neighbours with equal names merged again as the kernel would.  One guard
gets a foreign name, which must stay anon.named.  memmap reads the tree with
--proc-root (no target memory) and must label each named thing by its name.
"""

import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402
from test_threads import copy_tree  # noqa: E402

HEAP_MAX = 64 << 20
PAGE = 4096
HEADER = re.compile(r'^([0-9a-f]+)-([0-9a-f]+) (\S+) (\S+) (\S+) (\S+)\s*(.*)$')


def parse_smaps(text):
    """[(start, end, perms, offset, dev, inode, path, [field lines])]."""
    entries = []
    for line in text.splitlines():
        m = HEADER.match(line)
        if m and ':' not in line.split()[0]:
            s, e, perms, off, dev, ino, path = m.groups()
            entries.append([int(s, 16), int(e, 16), perms, off, dev, ino,
                            path, []])
        else:
            entries[-1][7].append(line)
    return entries


def scale_fields(fields, frac, rest=None):
    """The field lines with every kB counter but the page sizes multiplied
    by frac, or taken from rest."""
    out = []
    for line in fields:
        k, _, v = line.partition(':')
        parts = v.split()
        if len(parts) == 2 and parts[1] == 'kB' and k not in (
                'KernelPageSize', 'MMUPageSize'):
            n = int(parts[0])
            val = rest[k] if rest is not None else int(n * frac) // 4 * 4
            out.append('%-16s%8d kB' % (k + ':', val))
        else:
            out.append(line)
    return out


def kb_fields(fields):
    d = {}
    for line in fields:
        k, _, v = line.partition(':')
        parts = v.split()
        if len(parts) == 2 and parts[1] == 'kB':
            d[k] = int(parts[0])
    return d


def split_entry(ent, cuts):
    """ent cut at the addresses in cuts, each piece's counters the
    original's shared out by size (no piece above its own size): a made-up
    but plausible share, since only the labels are checked."""
    s, e = ent[0], ent[1]
    points = sorted({s, e} | {c for c in cuts if s < c < e})
    total = kb_fields(ent[7])
    pieces = []
    for a, b in zip(points, points[1:]):
        kb = (b - a) // 1024
        vals = {k: min(kb, int(v * (b - a) / (e - s)) // 4 * 4)
                for k, v in total.items()}
        vals['Size'] = kb
        pieces.append([a, b] + ent[2:7] + [scale_fields(ent[7], 0, vals)])
    return pieces


def merge_named(entries):
    """Adjacent anonymous entries with equal names, perms and VmFlags merge,
    as the kernel merges VMAs."""
    out = []
    for ent in entries:
        prev = out[-1] if out else None
        if prev and prev[1] == ent[0] and prev[6] and prev[6] == ent[6] and \
                prev[2] == ent[2] and prev[5] == '0' and ent[5] == '0' and \
                [l for l in prev[7] if l.startswith('VmFlags')] == \
                [l for l in ent[7] if l.startswith('VmFlags')]:
            a, b = kb_fields(prev[7]), kb_fields(ent[7])
            rest = {k: a[k] + b.get(k, 0) for k in a}
            prev[1] = ent[1]
            prev[7] = scale_fields(prev[7], 0, rest)
            continue
        out.append(ent)
    return out


def format_smaps(entries):
    lines = []
    for s, e, perms, off, dev, ino, path, fields in entries:
        head = '%x-%x %s %s %s %s' % (s, e, perms, off, dev, ino)
        if path:
            head = '%-73s%s' % (head + ' ', path)
        lines.append(head)
        lines.extend(fields)
    return '\n'.join(lines) + '\n'


def capture(pid, fx, root):
    """Writes root/PID with the named smaps; returns the expectations:
    [(start, end, label, detail or None, what)]."""
    d = copy_tree(pid, root)
    with open('/proc/%d/smaps' % pid) as f:
        entries = parse_smaps(f.read())

    named = []          # (start, end, name)
    expect = []
    comm = {}
    for _, tid, name, low, size, guard, user in (l for l in fx.lines
                                                  if l[0] == 'thread'):
        tid, low, size, guard = int(tid), mt.h(low), int(size), int(guard)
        with open('/proc/%d/task/%d/comm' % (pid, tid)) as f:
            comm[tid] = f.read().rstrip('\n')
        kind = 'pthread user stack' if user == '1' else 'pthread stack'
        named.append((low, low + size, ' glibc: %s: %d' % (kind, tid)))
        expect.append((low, low + size, 'thread.stack',
                       'tid %d %s' % (tid, comm[tid]), 'stack of %d' % tid))
        if guard:
            expect.append((low - guard, low, 'thread.guard', None,
                           'guard of %d' % tid))
    for _, tid, low, size, guard in (l for l in fx.lines if l[0] == 'exited'):
        low, size, guard = mt.h(low), int(size), int(guard)
        named.append((low, low + size, ' glibc: unused stack'))
        expect.append((low, low + size, 'thread.stack', 'unused (cached) stack',
                       'cached stack of %s' % tid))
        if guard:
            expect.append((low - guard, low, 'thread.guard', None,
                           'guard of cached stack of %s' % tid))
    for key, tid, ptr in (l for l in fx.lines if l[0] in ('small', 'spill')):
        if int(tid) == pid:
            continue
        block = mt.h(ptr) & ~(HEAP_MAX - 1)
        expect.append((block, block + HEAP_MAX, 'glibc.arena', None,
                       '%s arena heap of %s' % (key, tid)))
        for ent in entries:
            if ent[0] == block:
                named.append((ent[0], ent[1], ' glibc: malloc arena'))
    for _, tid, ptr, size in (l for l in fx.lines if l[0] == 'large'):
        chunk = mt.h(ptr) - 16
        end = chunk + (int(size) + 16 + PAGE - 1) // PAGE * PAGE
        named.append((chunk, end, ' glibc: malloc'))
        expect.append((chunk, end, 'glibc.mmap-chunk', None,
                       'malloc(%s) by %s' % (size, tid)))
    loader = [mt.h(fx.info['tls'][0])]
    if 'linkmap' in fx.info:
        loader.append(mt.h(fx.info['linkmap'][0]))

    out = []
    for ent in entries:
        if ent[6] or ent[5] != '0' or ent[2][3] != 'p':
            out.append(ent)
            continue
        cuts = [a for a, b, _ in named] + [b for a, b, _ in named]
        for p in split_entry(ent, cuts):
            for a, b, name in named:
                if a <= p[0] and p[1] <= b:
                    p[6] = '[anon:%s]' % name
            if not p[6] and any(p[0] <= x < p[1] for x in loader):
                p[6] = '[anon: glibc: loader malloc]'
            out.append(p)
    out = merge_named(out)

    # A name glibc does not use stays anon.named: give one guard such a name.
    first_guard = next(e for e in expect if e[2] == 'thread.guard')
    for ent in out:
        if ent[0] == first_guard[0] and ent[1] == first_guard[1]:
            ent[6] = '[anon:memmap test: a guard]'
    expect.remove(first_guard)
    expect.append((first_guard[0], first_guard[1], 'anon.named',
                   'memmap test: a guard', 'renamed guard'))
    for x in loader:
        expect.append((x, x + 1, 'ld.malloc', None, 'loader malloc at %#x' % x))

    with open(os.path.join(d, 'smaps'), 'w') as f:
        f.write(format_smaps(out))
    return expect


def main():
    t = mt.Checker('threads-named')
    fixture = os.path.join(os.environ.get('MEMMAP_BUILD', '.'), 'tests',
                           'threads', 'threads_fixture')
    if not os.access(fixture, os.X_OK):
        mt.die('%s: not built' % fixture)
    root = tempfile.mkdtemp(prefix='memmap-named-')
    try:
        with mt.Fixture([fixture]) as fx:
            pid = fx.pid
            expect = capture(pid, fx, root)
        snap, rc, err = mt.memmap_json('--proc-root', root, pid)
        t.check(rc in (0, 1), 'memmap exit %d: %s' % (rc, err.strip()))
        mt.check_sorted(t, snap)
        mt.check_tiling(t, snap)
        mt.check_categories(t, snap)
        for start, end, label, detail, what in expect:
            rs = mt.check_labels_at(t, snap, start, end, label, what)
            for m, r in rs:
                if detail is not None:
                    t.eq(r.get('detail'), detail, '%s detail' % what)
                if m.get('path', '') and m['path'].startswith('[anon:') and \
                        label != 'anon.named':
                    t.eq(r['how'], 'kernel', '%s (%s) how' % (what, m['path']))
        names = [m['path'] for m in snap['mappings']
                 if (m.get('path') or '').startswith('[anon: glibc:')]
        t.check(len(names) >= 8, 'named mappings in the capture: %r' % names)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    t.done()


if __name__ == '__main__':
    main()
