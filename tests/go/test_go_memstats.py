#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Go runtime's own accounting, read from outside: memmap's
runtime.memstats against runtime.ReadMemStats printed by the same
process (fixtures/memstats, at a steady state with GC off).

    test_go_memstats.py TAG BUILDDIR

The fields a waiting process cannot change must be equal, NextGC within
what the fixture allocates printing; HeapAlloc is only noted
(ReadMemStats flushes the mcaches first, memmap cannot).  The same for runtime.metrics against the /memory/classes
samples the fixture printed, and for runtime.heap, the arenas split by
span state: objects = HeapInuse, stacks = StackInuse, free + released =
HeapIdle, released = HeapReleased and not in RAM (pagemap read here).
A stripped build (-s -w: no symbols, no DWARF) must give the same
memstats, metrics and split: its globals are found in its code, their
layout in the table.  After the fixture's debug.FreeOSMemory(), the
arenas' pages absent from RAM (pagemap, read here) are at least
HeapReleased.  With "stacks" (both builds), 1000 goroutines whose stacks
the fixture grew to 64 KiB each: go.heap.stacks is StackInuse, at least
1000 x 64 KiB and less than 1 MiB above it, and holds in RAM at least
what pagemap says is present of the part of each stack the fixture
wrote (from its deepest frame up).  The same heap walked as a sample
(a threshold below it, --go-sample-above): marked sampled, its parts
scaled to sum to the committed arenas and each within 10 % of them of
the full walk's.  The racing fixture: every part's numbers consistent
(RSS and swap within bytes, whole pages), or a warning and exit 1.
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

EQUAL = ('Sys', 'HeapSys', 'HeapInuse', 'HeapIdle', 'HeapReleased', 'StackInuse',
         'StackSys', 'MSpanSys', 'MCacheSys', 'GCSys', 'OtherSys', 'BuckHashSys', 'NumGC',
         'NextGC')
NOTED = ('HeapAlloc', 'MSpanInuse', 'MCacheInuse')
# The runtime's own goroutines may still take or give back one span after
# the fixture printed (seen under load, one 8 KiB span): these three may
# differ by up to two runtime pages, every other field must be equal.
SPAN_SLACK = {'HeapInuse': 16384, 'HeapIdle': 16384, 'HeapReleased': 16384,
              # NextGC (GC off: the memory limit's goal, limit less the
              # non-heap memory) moves with the heap the fixture allocates
              # printing after ReadMemStats (seen: 4.7 and 6.1 KiB); the
              # goal without the limit was 11 MiB or more away.
              'NextGC': 256 << 10}
ATTEMPTS = 3


def close(k, got, want):
    """got equals want, or is within k's slack."""
    if got is None or want is None:
        return got == want
    return abs(int(got) - int(want)) <= SPAN_SLACK.get(k, 0)


def truth_of(fx):
    return json.loads(fx.info['memstats'][0])


# runtime/metrics's /memory/classes: equal where the memstats fields they
# come from are (free and released with their slack), noted where objects
# move (the fixture allocates while it prints; memmap reads later).
METRICS_EQUAL = {'/memory/classes/heap/free:bytes': 16384,
                 '/memory/classes/heap/released:bytes': 16384,
                 '/memory/classes/heap/stacks:bytes': 0,
                 '/memory/classes/metadata/other:bytes': 0,
                 '/memory/classes/os-stacks:bytes': 0,
                 '/memory/classes/other:bytes': 0,
                 '/memory/classes/profiling/buckets:bytes': 0,
                 '/memory/classes/total:bytes': 0}
METRICS_NOTED = ('/memory/classes/heap/objects:bytes', '/memory/classes/heap/unused:bytes',
                 '/memory/classes/metadata/mcache/free:bytes',
                 '/memory/classes/metadata/mcache/inuse:bytes',
                 '/memory/classes/metadata/mspan/free:bytes',
                 '/memory/classes/metadata/mspan/inuse:bytes')
PARTS = ('go.heap.objects', 'go.heap.stacks', 'go.heap.gc', 'go.heap.free', 'go.heap.released')
PAGE = 8192
# The sampled walk's threshold (the fixture's arenas are 128 MiB or more:
# one 512 KiB block in 4 or more walked) and how far each of its scaled
# parts may be from the full walk's, a share of the committed arenas.
SAMPLE_ABOVE = '32M'
SAMPLE_SLACK = 0.1


def present_bytes(pid, ranges):
    """Bytes of [start, end) ranges in RAM, by /proc/PID/pagemap's own
    present bit (read here, not by memmap)."""
    ps = os.sysconf('SC_PAGE_SIZE')
    n = 0
    with open('/proc/%d/pagemap' % pid, 'rb') as f:
        for s, e in ranges:
            f.seek(s // ps * 8)
            data = f.read((e - s) // ps * 8)
            for i in range(0, len(data), 8):
                n += ps if data[i + 7] & 0x80 else 0
    return n


def present_pages(pid, starts, span):
    """Bytes present of [s, s + span) for each s in starts (pagemap, read
    here), and the bytes of those ranges in all."""
    ps = os.sysconf('SC_PAGE_SIZE')
    pages = set()
    for s in starts:
        pages.update(range(s // ps, (s + span - 1) // ps + 1))
    ranges = [(p * ps, (p + 1) * ps) for p in sorted(pages)]
    return present_bytes(pid, ranges), len(pages) * ps


def check_metrics(t, tag, snap, fx):
    """runtime.metrics against the samples the fixture printed."""
    got = (snap.get('runtime') or {}).get('metrics')
    want = json.loads(fx.info['metrics'][0])
    if not t.check(got is not None, '%s: no runtime.metrics' % tag):
        return
    t.eq(sorted(got), sorted(want), '%s: the /memory/classes names' % tag)
    for k, slack in METRICS_EQUAL.items():
        t.check(got.get(k) is not None and abs(got[k] - want.get(k, -1)) <= slack,
                '%s metrics %s: got %r, want %r' % (tag, k, got.get(k), want.get(k)))
    for k in METRICS_NOTED:
        t.note('%s: memmap %s, runtime/metrics %s' % (k, got.get(k), want.get(k)))


def check_heap_split(t, tag, snap, want, pid):
    """runtime.heap: the parts by span state against ReadMemStats, the
    released part absent from RAM, and the parts' RSS against pagemap."""
    heap = (snap.get('runtime') or {}).get('heap')
    if not t.check(heap is not None, '%s: no runtime.heap' % tag):
        return
    parts = {p['label']: p for p in heap['parts']}
    t.eq(sorted(parts), sorted(PARTS), '%s: heap parts' % tag)
    if sorted(parts) != sorted(PARTS):
        return
    b = {k: parts[k]['bytes'] for k in PARTS}
    for what, got, field, slack in (
            ('objects', b['go.heap.objects'], 'HeapInuse', 2 * PAGE),
            ('stacks', b['go.heap.stacks'], 'StackInuse', 0),
            ('free + released', b['go.heap.free'] + b['go.heap.released'], 'HeapIdle',
             2 * PAGE),
            ('released', b['go.heap.released'], 'HeapReleased', 2 * PAGE)):
        t.check(abs(got - want[field]) <= slack, '%s heap %s %d vs %s %d' %
                (tag, what, got, field, want[field]))
    t.note('%s: heap parts %s, unknown %d' % (tag, b, heap['unknown']))
    t.check(heap['measured'], '%s: heap parts not measured' % tag)
    t.check(parts['go.heap.released']['rss'] <= 2 * PAGE,
            '%s: released pages resident: %d' % (tag, parts['go.heap.released']['rss']))
    # The committed part of the arenas is what the parts hold; its pages
    # in RAM (pagemap, read here) are the parts' RSS.
    rw = [(mt.h(r['start']), mt.h(r['end'])) for m in snap['mappings']
          if m['perms'] == 'rw-p' for r in m['regions'] if r['label'] == 'go.heap']
    t.eq(sum(b.values()) + heap['unknown'], sum(e - s for s, e in rw),
         '%s: parts + unknown vs go.heap read-write bytes' % tag)
    rss = sum(parts[k]['rss'] for k in PARTS)
    present = present_bytes(pid, rw)
    # Returned to the OS (FreeOSMemory): HeapReleased bytes are not in RAM.
    t.check(sum(e - s for s, e in rw) - present >= want['HeapReleased'] - 2 * PAGE,
            '%s: arenas absent %d < HeapReleased %d' %
            (tag, sum(e - s for s, e in rw) - present, want['HeapReleased']))
    t.check(abs(rss - present) <= heap['unknown'] + 4 * PAGE,
            '%s: parts rss %d vs pagemap present %d' % (tag, rss, present))


def steady_compare(t, tag, fixdir, kind='memstats'):
    """memmap against the memstats a fresh fixture printed; failures in t."""
    name = tag + '-' + kind
    with mt.Fixture([os.path.join(fixdir, name)], timeout=60) as fx:
        want = truth_of(fx)
        snap, rc, err = mt.memmap_json(fx.pid)
        got = (snap.get('runtime') or {}).get('memstats')
        if not t.check(got is not None, '%s: no runtime.memstats (%r)' % (name, err)):
            return
        for k in EQUAL:
            t.check(close(k, got.get(k), want.get(k)), '%s %s: got %r, want %r'
                    % (name, k, got.get(k), want.get(k)))
        for k in NOTED:
            t.note('%s: memmap %s, ReadMemStats %s' % (k, got.get(k), want.get(k)))
        t.check(set(got) == set(EQUAL + NOTED), 'memstats members %s' % sorted(got))
        t.check('go runtime' not in err, 'warned although read: %r' % err)
        check_metrics(t, tag, snap, fx)
        check_heap_split(t, tag, snap, want, fx.pid)
        # The summary's section says the same numbers, and the labels.
        rc, out, err = mt.run_memmap('-b', str(fx.pid))
        rows = {}
        for line in out.splitlines():
            w = line.split()
            if w[:1] and w[0] in EQUAL + NOTED and w[0] not in rows:
                rows[w[0]] = w[1:]
        for k in EQUAL:
            row = (rows.get(k) or [None])[0]
            t.check(row is not None and row.isdigit() and close(k, row, want[k]),
                    'summary row %s: got %r, want %r' % (k, row, want[k]))
        t.eq(rows.get('HeapSys', [])[1:2], ['go.heap'], 'summary HeapSys labels')
        t.check('is in no MemStats field' in out, 'summary: no word on the L2 arena map')
        for k in PARTS:
            t.check(re.search(r'^%s +\d+ ' % re.escape(k), out, re.M) is not None,
                    'summary: no %s row' % k)
        t.check(re.search(r'^/memory/classes/total:bytes +%d$' % want['Sys'], out, re.M)
                is not None, 'summary: /memory/classes/total:bytes is not Sys')
        rc, out, err = mt.run_memmap('--summary', '--explain', str(fx.pid))
        t.check('Why ps and runtime.MemStats disagree here' in out, '--explain: no answer')


def check_stacks(t, tag, fixdir, kind):
    """1000 goroutines with 64 KiB stacks: go.heap.stacks against
    StackInuse, the arithmetic and pagemap (see the module's text)."""
    name = tag + '-' + kind
    with mt.Fixture([os.path.join(fixdir, name), 'stacks'], timeout=60) as fx:
        want = truth_of(fx)
        w = fx.info['stacks']
        size, n, span = int(w[0]), int(w[1]), int(w[2])
        deepest = [int(a, 16) for a in w[3:]]
        t.eq((size, n, len(deepest)), (64 << 10, 1000, 1000), '%s: stacks line' % name)
        snap, rc, err = mt.memmap_json(fx.pid)
        heap = (snap.get('runtime') or {}).get('heap')
        if not t.check(heap is not None, '%s stacks: no runtime.heap (%r)' % (name, err)):
            return
        st = [p for p in heap['parts'] if p['label'] == 'go.heap.stacks'][0]
        t.check(abs(st['bytes'] - want['StackInuse']) <= 0,
                '%s: go.heap.stacks %d vs StackInuse %d' % (name, st['bytes'],
                                                            want['StackInuse']))
        t.check(n * size <= st['bytes'] < n * size + (1 << 20),
                '%s: go.heap.stacks %d vs %d x %d' % (name, st['bytes'], n, size))
        t.check(st['spans'] >= n, '%s: %d stack spans < %d' % (name, st['spans'], n))
        rw = [(mt.h(r['start']), mt.h(r['end'])) for m in snap['mappings']
              if m['perms'] == 'rw-p' for r in m['regions'] if r['label'] == 'go.heap']
        merged = []
        for s, e in sorted(rw):
            if merged and merged[-1][1] == s:
                merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        t.check(all(any(s <= a and a + span <= e for s, e in merged) for a in deepest),
                '%s: a goroutine stack outside the go.heap read-write regions' % name)
        present, total = present_pages(fx.pid, deepest, span)
        t.check(total >= n * span, '%s: the written stack parts overlap' % name)
        t.check(present <= st['rss'] <= st['bytes'],
                '%s: go.heap.stacks rss %d vs pagemap present %d of its written parts, '
                'bytes %d' % (name, st['rss'], present, st['bytes']))
        t.note('%s stacks: bytes %d (StackInuse %d), rss %d, spans %d; written parts %d, '
               'present %d' % (name, st['bytes'], want['StackInuse'], st['rss'],
                               st['spans'], total, present))
        check_sampled(t, name, fx.pid, heap, rw)


def check_sampled(t, name, pid, full, rw):
    """The span walk sampled (a threshold below this heap, by the hidden
    --go-sample-above): marked, still summing to the committed arenas, and
    each part within SAMPLE_SLACK of the committed bytes of the full walk."""
    committed = sum(e - s for s, e in rw)
    snap, rc, err = mt.memmap_json(pid, '--go-sample-above', SAMPLE_ABOVE)
    heap = (snap.get('runtime') or {}).get('heap')
    if not t.check(heap is not None, '%s sampled: no runtime.heap (%r)' % (name, err)):
        return
    t.check(heap['sampled'] is True and full['sampled'] is False,
            '%s: sampled %r, the full walk %r' % (name, heap['sampled'], full['sampled']))
    t.eq(sum(p['bytes'] for p in heap['parts']) + heap['unknown'], committed,
         '%s sampled: parts + unknown vs go.heap read-write' % name)
    got = {p['label']: p for p in heap['parts']}
    for p in full['parts']:
        g = got[p['label']]
        for k in ('bytes', 'rss'):
            t.check(abs(g[k] - p[k]) <= SAMPLE_SLACK * committed,
                    '%s sampled %s %s: %d, the full walk %d (committed %d)' %
                    (name, p['label'], k, g[k], p[k], committed))
        t.check(g['rss'] <= g['bytes'], '%s sampled %s: rss above bytes' % (name, p['label']))
    t.note('%s sampled: %s; full: %s' % (
        name, {k: v['bytes'] for k, v in got.items()},
        {p['label']: p['bytes'] for p in full['parts']}))
    rc, out, err = mt.run_memmap('--go-sample-above', SAMPLE_ABOVE, str(pid))
    t.check(re.search(r'^sampled: ', out, re.M) is not None, '%s: the table does not say '
            'sampled' % name)


def retried(t, name, check):
    """check(checker) with a fresh fixture up to ATTEMPTS times; the last
    attempt's results count in t."""
    for attempt in range(1, ATTEMPTS + 1):
        a = mt.Checker(name)
        check(a)
        if not a.failures or attempt == ATTEMPTS:
            break
        t.note('%s attempt %d: %d differences, with a fresh fixture again'
               % (name, attempt, len(a.failures)))
    t.failures += a.failures
    t.passed += a.passed


def main():
    tag, fixdir = sys.argv[1:3]
    t = mt.Checker(tag + '-memstats')
    # A fixture whose runtime moved a span after it printed cannot be the
    # truth: a fresh one is started, up to ATTEMPTS; a wrong formula is
    # wrong every time.
    for kind in ('memstats', 'memstats-stripped'):
        retried(t, tag + '-' + kind, lambda a: steady_compare(a, tag, fixdir, kind))
    for kind in ('memstats', 'memstats-stripped'):
        retried(t, tag + '-' + kind + '-stacks', lambda a: check_stacks(a, tag, fixdir, kind))

    # A memory limit set (GOMEMLIMIT, read by the runtime at start): NextGC
    # is the limit's goal, below the limit, as ReadMemStats says.
    limit = 200 << 20
    with mt.Fixture([os.path.join(fixdir, tag + '-memstats')], timeout=60,
                    env={'GOMEMLIMIT': str(limit)}) as fx:
        want = truth_of(fx)['NextGC']
        snap, rc, err = mt.memmap_json(fx.pid)
        got = ((snap.get('runtime') or {}).get('memstats') or {}).get('NextGC')
        t.check(want < limit and close('NextGC', got, want),
                'GOMEMLIMIT=%d: NextGC %r, ReadMemStats %d' % (limit, got, want))

    # Counters moving under the reads: a consistent answer or a warning.
    with mt.Fixture([os.path.join(fixdir, tag + '-memstats'), 'race'], timeout=60) as fx:
        for i in range(5):
            snap, rc, err = mt.memmap_json(fx.pid)
            got = (snap.get('runtime') or {}).get('memstats')
            if got is None:
                t.check('no memstats' in err and rc == 1,
                        'race %d: no memstats and no warning, exit %d' % (i, rc))
                continue
            t.check(got['HeapSys'] == got['HeapInuse'] + got['HeapIdle'] and
                    got['HeapReleased'] <= got['HeapIdle'] and
                    got['StackSys'] >= got['StackInuse'] and
                    got['Sys'] >= got['HeapSys'] + got['StackSys'] and
                    got['Sys'] < 1 << 40, 'race %d: inconsistent %r' % (i, got))
            # Every committed arena page is in one part, or unknown.
            heap = snap['runtime'].get('heap')
            if heap is not None:
                rw = sum(mt.h(r['end']) - mt.h(r['start']) for m in snap['mappings']
                         if m['perms'] == 'rw-p' for r in m['regions']
                         if r['label'] == 'go.heap')
                t.eq(sum(p['bytes'] for p in heap['parts']) + heap['unknown'], rw,
                     'race %d: heap parts + unknown vs go.heap read-write' % i)
                for p in heap['parts']:
                    t.check(0 <= p['rss'] <= p['bytes'] and 0 <= p['swap'] <= p['bytes'] and
                            p['bytes'] % PAGE == 0 and 0 <= p['spans'] <= p['bytes'] // PAGE,
                            'race %d: inconsistent part %r' % (i, p))
            elif 'heap' in err:
                t.check(rc == 1, 'race %d: a heap warning, exit %d' % (i, rc))

    t.done()


if __name__ == '__main__':
    main()
