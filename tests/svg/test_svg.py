#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""memmap --svg: the picture of a live process.

Each case runs `memmap -J --svg FILE PID` once, so the JSON and the SVG
describe the same snapshot, and checks:
  - the SVG is well-formed XML (xml.etree) in the SVG namespace, valid UTF-8,
    with no control characters or XML-forbidden noncharacters anywhere;
  - one region rectangle per region of the JSON, each tooltip naming the
    region's label and exact range; the ranges tile /proc/PID/maps (read
    independently, the target is quiet);
  - one band per cluster of /proc/PID/maps (gaps of 1 GiB or more);
  - the legend lists exactly the labels of the JSON categories;
  - PROT_NONE regions are drawn with a pattern that the SVG defines;
  - the header names the pid and /proc/PID/comm.
Cases: sleep (a real program), factory (the fixture factory, with a
reservation and the --evil file), names (a file whose name holds XML
specials, control bytes, invalid UTF-8, C1 controls and U+FFFE), errors
(unwritable FILE, `-`).
"""

import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
import memmaptest as mt  # noqa: E402

NS = '{http://www.w3.org/2000/svg}'
CLUSTER_GAP = 1 << 30
# C0 but tab/newline/CR, DEL, C1, and the noncharacters XML 1.0 forbids.
BAD_CHARS = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]')
RANGE = re.compile(r'^([0-9a-f]+)–([0-9a-f]+) ')


def svg_of(t, pid, tmp):
    """Runs memmap -J --svg once; returns (snapshot, svg bytes, svg root)."""
    path = os.path.join(tmp, 'out.svg')
    snap, rc, err = mt.memmap_json('--svg', path, pid)
    if not os.path.exists(path):
        mt.die('memmap --svg %s %d: no file written (exit %d, %s)' %
               (path, pid, rc, err.strip()))
    with open(path, 'rb') as f:
        raw = f.read()
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as ex:
        mt.die('SVG is not well-formed XML: %s' % ex)
    return snap, raw, root


def check_text(t, raw):
    """Valid UTF-8 without control characters or noncharacters."""
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as ex:
        t.fail('SVG is not valid UTF-8: %s' % ex)
        return
    bad = BAD_CHARS.search(text)
    t.check(bad is None, 'SVG holds a forbidden character %r at %d' %
            (bad.group() if bad else '', bad.start() if bad else 0))


def regions_of(root):
    """[(label, start, end, title text)] of every region rectangle."""
    out = []
    for g in root.iter(NS + 'g'):
        rects = [r for r in g.findall(NS + 'rect')
                 if r.get('class') == 'region']
        if not rects:
            continue
        title = g.find(NS + 'title')
        text = title.text if title is not None else ''
        lines = text.split('\n')
        label = lines[0].split(' ')[0]
        m = RANGE.match(lines[1]) if len(lines) > 1 else None
        start, end = (int(m.group(1), 16), int(m.group(2), 16)) if m else (0, 0)
        out.append((label, start, end, text, rects[0]))
    return out


def check_svg(t, pid, snap, raw, root):
    t.eq(root.tag, NS + 'svg', 'root element')
    t.eq(root.get('version'), '1.1', 'svg version')
    check_text(t, raw)

    # Regions: the same ones as the JSON, in order, labels and ranges.
    drawn = regions_of(root)
    want = [(r['label'], mt.h(r['start']), mt.h(r['end']))
            for m in snap['mappings'] for r in m['regions']]
    t.eq(len(drawn), len(want), 'region rectangles vs JSON regions')
    t.eq([d[:3] for d in drawn], want, 'region rectangles (label, start, '
         'end) vs JSON regions')

    # The ranges tile the process's own maps, read now.
    maps = mt.proc_maps(pid)
    tiles = []
    for label, s, e, _, _ in drawn:
        if tiles and tiles[-1][1] == s:
            tiles[-1][1] = e
        else:
            tiles.append([s, e])
    merged = []
    for x in maps:
        if merged and merged[-1][1] == x['start']:
            merged[-1][1] = x['end']
        else:
            merged.append([x['start'], x['end']])
    t.eq(tiles, merged, 'drawn ranges vs /proc/%d/maps' % pid)

    # Bands: one per cluster of maps.
    clusters = 1 + sum(1 for a, b in zip(maps, maps[1:])
                       if b['start'] - a['end'] >= CLUSTER_GAP)
    bands = [x for x in root.iter(NS + 'text') if x.get('class') == 'band']
    t.eq(len(bands), clusters, 'bands vs clusters of /proc/%d/maps' % pid)
    first = ''.join(bands[0].itertext()) if bands else ''
    t.check(first.startswith('%x–' % maps[0]['start']),
            'first band %r does not start at %#x' % (first, maps[0]['start']))

    # Legend: exactly the labels present.
    legend = [ts.text for ts in root.iter(NS + 'tspan')
              if ts.get('class') == 'label']
    t.eq(sorted(legend), sorted(c['label'] for c in snap['categories']),
         'legend labels vs JSON categories')
    t.eq(len(legend), len(set(legend)), 'legend labels are unique')

    # Reserved space: a pattern fill that is defined.
    ids = {p.get('id') for p in root.iter(NS + 'pattern')}
    none = {(mt.h(m['start']), mt.h(m['end'])) for m in snap['mappings']
            if m['perms'][:3] == '---'}
    for label, s, e, _, rect in drawn:
        fill = rect.get('fill') or ''
        inside = any(a <= s and e <= b for a, b in none)
        pm = re.match(r'url\(#([^)]+)\)$', fill)
        if inside:
            t.check(pm and pm.group(1) in ids, 'reserved region %#x %s: '
                    'fill %r is not a defined pattern' % (s, label, fill))
        else:
            t.check(re.match(r'#[0-9a-f]{6}$', fill), 'region %#x %s: fill '
                    '%r is not a colour' % (s, label, fill))
        t.check(float(rect.get('width')) > 0, 'region %#x: no width' % s)

    # Log widths: a bigger region is never narrower, a page is visible and
    # a region a thousand times bigger is not a thousand times wider.
    # (An outlined rectangle is inset by half its stroke on each side.)
    by_size = sorted((e - s, float(rect.get('width')) +
                      float(rect.get('stroke-width') or 0))
                     for _, s, e, _, rect in drawn)
    for (sa, wa), (sb, wb) in zip(by_size, by_size[1:]):
        t.check(wb >= wa - 0.01, 'region of %d bytes is %.1fpx, narrower '
                'than one of %d bytes (%.1fpx)' % (sb, wb, sa, wa))
    for size, w in by_size:
        if size >= 4096:
            t.check(w >= 10, 'region of %d bytes is only %.1fpx' % (size, w))
        if size >= 4096 * 1024:
            page = [pw for ps, pw in by_size if ps == 4096]
            if page:
                t.check(w < 20 * page[0], 'region of %d bytes is %.1fpx, '
                        'not on a log scale' % (size, w))

    # Header: pid and comm from /proc.
    with open('/proc/%d/comm' % pid, 'rb') as f:
        comm = f.read().rstrip(b'\n').decode('utf-8', 'replace')
    head = [''.join(x.itertext()) for x in root.iter(NS + 'text')][:3]
    t.check(any('pid %d (%s)' % (pid, comm) in x for x in head),
            'header %r does not name pid %d (%s)' % (head, pid, comm))
    return drawn


def case_sleep(t, tmp):
    with mt.Process(['sleep', '1000']) as p:
        snap, raw, root = svg_of(t, p.pid, tmp)
        check_svg(t, p.pid, snap, raw, root)


def case_factory(t, tmp):
    factory = os.environ.get('MEMMAP_FACTORY')
    if not factory or not os.access(factory, os.X_OK):
        mt.skip('MEMMAP_FACTORY is not built')
    with mt.Fixture([factory, '--evil']) as fx:
        snap, raw, root = svg_of(t, fx.pid, tmp)
        drawn = check_svg(t, fx.pid, snap, raw, root)
        rs, re_ = fx.range('reserve')
        t.check(any(s >= rs and e <= re_ and 'url(#' in (r.get('fill') or '')
                    for _, s, e, _, r in drawn),
                'the reservation %#x-%#x is not drawn hatched' % (rs, re_))
        es, ee = fx.range('evil')
        tip = [d[3] for d in drawn if d[1] == es]
        t.check(tip and '\\x1b[31mred\\x1b[0m \\xff\\xfe.dat' in tip[0],
                'evil file tooltip %r lacks the escaped name' % tip[:1])
        t.check(b'\x1b' not in raw and b'\xff' not in raw,
                'raw escape or 0xff byte in the SVG')


NAME = (b'x &<>"\' amp&amp; \x01\x1b[7m tab\tnl\n \xff\xfe \xc2\x85 '
        b'\xef\xbf\xbe \\ end.dat')
CHILD = r'''
import ctypes, mmap, os, sys, time
fd = os.open(os.fsencode(sys.argv[1]), os.O_RDWR)
m = mmap.mmap(fd, 8192, mmap.MAP_PRIVATE, mmap.PROT_READ | mmap.PROT_WRITE)
a = ctypes.addressof(ctypes.c_char.from_buffer(m))
print('file %x %x' % (a, a + 8192))
print('ready', flush=True)
time.sleep(1000)
'''


def case_names(t, tmp):
    path = os.path.join(os.fsencode(tmp), NAME)
    with open(path, 'wb') as f:
        f.write(b'n' * 8192)
    with mt.Fixture([sys.executable, '-c', CHILD,
                     os.fsdecode(path)]) as fx:
        snap, raw, root = svg_of(t, fx.pid, tmp)
        drawn = check_svg(t, fx.pid, snap, raw, root)
        s, e = fx.range('file')
        tip = [d[3] for d in drawn if d[1] <= s < d[2]]
        if t.check(tip, 'no region at the mapped file %#x' % s):
            want = ('x &<>"\' amp&amp; \\x01\\x1b[7m tab\\x09nl\\x0a '
                    '\\xff\\xfe \\xc2\\x85 \\xef\\xbf\\xbe \\\\ end.dat')
            t.check(want in tip[0], 'tooltip %r lacks the escaped name %r' %
                    (tip[0], want))
    os.unlink(path)


def case_c_locale(t, tmp):
    """The SVG is UTF-8 in any locale: a name in UTF-8 stays readable when
    memmap runs under LC_ALL=C (cron, systemd), not \\xHH escapes."""
    name = 'caf\u00e9 \u2615.dat'
    path = os.path.join(tmp, name)
    with open(path, 'wb') as f:
        f.write(b'n' * 8192)
    out = os.path.join(tmp, 'c.svg')
    with mt.Fixture([sys.executable, '-c', CHILD, path]) as fx:
        rc, _, err = mt.run_memmap('--svg', out, '--summary', fx.pid,
                                   env={'LC_ALL': 'C', 'LANG': None})
        t.check(rc in (0, 1), 'memmap --svg under LC_ALL=C: exit %d (%s)' %
                (rc, err.strip()))
        with open(out, 'rb') as f:
            raw = f.read()
        check_text(t, raw)
        t.check(name.encode() in raw, 'the SVG written under LC_ALL=C lacks %r '
                'in UTF-8' % name)
        t.check(b'\\xc3\\xa9' not in raw, 'the SVG escapes UTF-8 as \\xHH')
    os.unlink(path)


def case_errors(t, tmp):
    with mt.Process(['sleep', '1000']) as p:
        bad = os.path.join(tmp, 'no such dir', 'x.svg')
        rc, out, err = mt.run_memmap('--svg', bad, '--summary', p.pid)
        t.eq(rc, 2, 'exit code for an unwritable --svg FILE')
        t.eq(err.strip(), 'memmap: %s: No such file or directory' % bad,
             'message for an unwritable --svg FILE')
        t.check('LABEL' in out, 'summary still printed after the SVG failed')
        rc, out, err = mt.run_memmap('--svg', '-', p.pid)
        t.eq(rc, 64, 'exit code for --svg -')
        t.check('--svg' in err, 'usage message %r names --svg' % err)


def main():
    case = sys.argv[1] if len(sys.argv) > 1 else 'sleep'
    t = mt.Checker('svg-' + case)
    with tempfile.TemporaryDirectory(prefix='memmap-svg.') as tmp:
        {'sleep': case_sleep, 'factory': case_factory, 'names': case_names,
         'c-locale': case_c_locale, 'errors': case_errors}[case](t, tmp)
    t.done()


if __name__ == '__main__':
    main()
