#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An ELF object loaded twice: twice_obj.so dlopen'd as A and as B (a
copy), and A again in a new namespace (dlmopen: the same file mapped at a
second place).  Truth: each load's bias as the fixture printed it (dlinfo)
and readelf's sections and program headers.  Each load's .data and .bss
(most of it the anonymous tail after the file's pages) carry lib.data and
lib.bss naming that load's own file; no byte outside a load's own PT_LOAD
span carries a label naming twice_obj's sections (never lent to a
neighbour: the loader's TLS and malloc beside the last load's .bss).

Usage: test_twice.py MODE   (mem | nomem)
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = os.sysconf('SC_PAGE_SIZE')


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'mem'
    t = mt.Checker('threads-twice-' + mode)
    fixture = os.path.join(os.environ.get('MEMMAP_BUILD', '.'), 'tests', 'threads',
                           'twice_fixture')
    tmp = tempfile.mkdtemp(prefix='memmap-twice-')
    try:
        a, b = os.path.join(tmp, 'twice_a.so'), os.path.join(tmp, 'twice_b.so')
        r = subprocess.run([os.environ.get('CC', 'cc'), '-shared', '-fPIC', '-O1', '-o', a,
                            os.path.join(HERE, 'twice_obj.c')], capture_output=True, text=True)
        if r.returncode:
            mt.die('cc: %s' % r.stderr.strip()[-300:])
        shutil.copyfile(a, b)
        secs = {s['name']: s for s in mt.readelf_sections(a)}
        loads = [s for s in mt.readelf_segments(a) if s['type'] == 'LOAD']
        lo = min(s['vaddr'] for s in loads) & ~(PAGE - 1)
        hi = max(s['vaddr'] + s['memsz'] for s in loads)
        hi = (hi + PAGE - 1) & ~(PAGE - 1)
        with mt.Fixture([fixture, a, b]) as fx:
            objs = [(l[1], mt.h(l[2]), l[3]) for l in fx.lines if l[0] == 'object']
            t.eq(len(objs), 3, 'loads printed')
            t.check(objs[0][1] != objs[2][1], 'the namespace load is a second placement')
            args = ['--no-mem'] if mode == 'nomem' else []
            snap, rc, err = mt.memmap_json(*(args + [fx.pid]))
            mt.check_snapshot(t, snap, fx.pid)
            spans = []
            for tag, bias, path in objs:
                name = os.path.basename(path)
                spans.append((bias + lo, bias + hi))
                for sec, want in (('.bss', 'lib.bss'), ('.data', 'lib.data')):
                    s = secs[sec]
                    start, end = bias + s['addr'], bias + s['addr'] + s['size']
                    for m, reg in mt.regions_in(snap, start, end):
                        t.check(reg['label'] == want and
                                (reg.get('detail') or '').startswith(name + ':'),
                                '%s %s %#x-%#x: %s-%s is %s (%s)' % (
                                    tag, sec, start, end, reg['start'], reg['end'],
                                    reg['label'], reg.get('detail')))
                    t.check(mt.covered(snap, start, end), '%s %s mapped whole' % (tag, sec))
            # Nothing outside the three loads names twice_obj's sections.
            for m in snap['mappings']:
                for reg in m['regions']:
                    d = reg.get('detail') or ''
                    if not d.startswith('twice_'):
                        continue
                    s, e = mt.h(reg['start']), mt.h(reg['end'])
                    t.check(any(a0 <= s and e <= b0 for a0, b0 in spans),
                            '%s-%s %s (%s) lies outside every load of twice_obj' % (
                                reg['start'], reg['end'], reg['label'], d))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == '__main__':
    main()
