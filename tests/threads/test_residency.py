#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Residency two ways: memmap asks pagemap with the PAGEMAP_SCAN ioctl, or
(MEMMAP_PAGEMAP=read, the fallback for kernels without it) reads the file.
On guard_fixture, alone and among 400 more small mappings -- a 1 MiB
malloc with pages written, pages never touched and two guarded pages, and
a mapping whose top two pages are guarded -- both ways must give each region of those mappings (split by the guard
label, so measured page by page) the same RSS, and that RSS must be what
the test itself reads in /proc/PID/pagemap (bit 63) over the region, which
in turn must be the pages the fixture said it wrote.  Guarded pages: RSS 0
and label `guard` both ways.  Swapped pages are not made (no swap here).
Skipped when the kernel has no MADV_GUARD_INSTALL or pagemap no guard bit.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

PAGE = os.sysconf('SC_PAGESIZE')
PRESENT, GUARD = 1 << 63, 1 << 58


def pagemap(pid, start, end):
    """The pagemap entries of pages [start, end), read by the test."""
    with open('/proc/%d/pagemap' % pid, 'rb') as f:
        f.seek(start // PAGE * 8)
        raw = f.read((end - start) // PAGE * 8)
    return [int.from_bytes(raw[i:i + 8], 'little') for i in range(0, len(raw), 8)]


def present_bytes(entries, base, s, e):
    """Bytes of [s, e) in pages whose entry says present."""
    n = 0
    for i, ent in enumerate(entries):
        p = base + i * PAGE
        lo, hi = max(p, s), min(p + PAGE, e)
        if lo < hi and ent & PRESENT and not ent & GUARD:
            n += hi - lo
    return n


def main():
    t = mt.Checker('threads-residency')
    fixture = os.path.join(os.environ.get('MEMMAP_BUILD', '.'), 'tests', 'threads',
                           'guard_fixture')
    # Alone, and among 400 more anonymous mappings: memmap then trusts
    # smaps' "gu" flag, where the kernel has it, instead of scanning all.
    for extra in ([], ['400']):
        check_fixture(t, [fixture] + extra)
    t.done()


def check_fixture(t, argv):
    # MALLOC_PERTURB_ (meson sets it) would write the whole chunk.
    with mt.Fixture(argv, env={'MALLOC_PERTURB_': '0'}) as fx:
        if 'noguard' in fx.info:
            mt.skip('no MADV_GUARD_INSTALL here: %s' % ' '.join(fx.info['noguard']))
        guards = [(mt.h(l[1]), mt.h(l[1]) + int(l[2])) for l in fx.lines if l[0] == 'guard']
        touched = [(mt.h(l[1]), mt.h(l[1]) + int(l[2])) for l in fx.lines
                   if l[0] == 'touched']
        chunk = [(mt.h(l[1]), int(l[2])) for l in fx.lines if l[0] == 'chunk'][0]
        area = [(mt.h(l[1]), int(l[2])) for l in fx.lines if l[0] == 'area'][0]
        if not pagemap(fx.pid, guards[0][0], guards[0][0] + PAGE)[0] & GUARD:
            mt.skip('pagemap shows no guard bit on this kernel')
        snaps = {}
        for way, env in (('scan', {'MEMMAP_PAGEMAP': None}),
                         ('read', {'MEMMAP_PAGEMAP': 'read'})):
            snap, rc, err = mt.memmap_json(fx.pid, env=env)
            mt.check_snapshot(t, snap, fx.pid)
            snaps[way] = snap
        spans = [(chunk[0], chunk[0] + chunk[1]), (area[0], area[0] + area[1])]
        seen_untouched = 0
        for lo, hi in spans:
            regs = {w: mt.regions_in(s, lo, hi) for w, s in snaps.items()}
            ms = {w: {(mt.h(m['start']), mt.h(m['end'])) for m, _ in r}
                  for w, r in regs.items()}
            t.eq(ms['scan'], ms['read'], 'mappings over %#x-%#x' % (lo, hi))
            if len(ms['scan']) != 1:
                t.check(False, 'one mapping holds %#x-%#x: %s' % (lo, hi, ms['scan']))
                continue
            ms_, me = ms['scan'].pop()
            ents = pagemap(fx.pid, ms_, me)
            for w, r in regs.items():
                t.check(len(r) > 1, '%s: %#x-%#x is split in regions (measured): %d'
                        % (w, lo, hi, len(r)))
            t.eq([(r['start'], r['end'], r['label']) for _, r in regs['scan']],
                 [(r['start'], r['end'], r['label']) for _, r in regs['read']],
                 'regions of %#x-%#x' % (ms_, me))
            for (_, rs), (_, rr) in zip(regs['scan'], regs['read']):
                s, e = mt.h(rs['start']), mt.h(rs['end'])
                truth = present_bytes(ents, ms_, s, e)
                t.eq(rs['rss'], truth, 'scan: RSS of %s %#x-%#x' % (rs['label'], s, e))
                t.eq(rr['rss'], truth, 'read: RSS of %s %#x-%#x' % (rr['label'], s, e))
            # pagemap agrees with what the fixture wrote: written pages
            # present, guarded ones not, the others never touched (the
            # malloc header's page aside, which glibc wrote).  Only inside
            # the span: the kernel may have merged a neighbour's mapping.
            for i, ent in enumerate(ents):
                p = ms_ + i * PAGE
                if p + PAGE <= lo or p >= hi:
                    continue
                wrote = any(a < p + PAGE and p < b for a, b in touched) or p <= lo
                guarded = any(a <= p < b for a, b in guards)
                if guarded:
                    t.check(ent & GUARD and not ent & PRESENT, 'page %#x guarded' % p)
                elif wrote:
                    t.check(ent & PRESENT, 'page %#x written is present' % p)
                else:
                    t.check(not ent & PRESENT, 'page %#x never touched is absent' % p)
                    seen_untouched += 1
        t.check(seen_untouched > 0, 'the chunk holds pages never touched')
        for w, s in snaps.items():
            for g in guards:
                labs = sorted({r['label'] for _, r in mt.regions_in(s, *g)})
                rss = sum(r['rss'] for _, r in mt.regions_in(s, *g))
                t.eq(labs, ['guard'], '%s: label of guarded %#x-%#x' % ((w,) + g))
                t.eq(rss, 0, '%s: RSS of guarded %#x-%#x' % ((w,) + g))


if __name__ == '__main__':
    main()
