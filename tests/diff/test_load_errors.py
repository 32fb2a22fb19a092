#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Malformed snapshot files: each kind gets one line on stderr naming the
file, line:column and the problem, exit 2, and nothing on stdout (never a
partial diff) — on either side of --diff.

The truth for line:column is the file itself: each broken file is written
by this test, which knows where it put the fault.
"""

import copy
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import mt, PAGE, grow_binary, snapshot_to  # noqa: E402


def dump(obj):
    # One scalar per line: a fault's line is easy to find independently.
    return json.dumps(obj, indent=1) + '\n'


def pos_of(text, needle, nth=0):
    """1-based (line, column) of the nth occurrence of needle."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    line = text.count('\n', 0, i) + 1
    col = i - (text.rfind('\n', 0, i) + 1) + 1
    return line, col


def brace_before(text, needle):
    """(line, column) of the '{' opening the object that holds needle (in
    an indent=1 dump: the last line before it that is only '{')."""
    i = text.index(needle)
    lines = text[:i].split('\n')
    for n in range(len(lines) - 1, -1, -1):
        if lines[n].strip() == '{':
            return n + 1, lines[n].index('{') + 1
    return None


def cases(snap):
    """(name, text, expected message regex, expected (line, col) or None
    for 'any line:col', or False for no position at all)."""
    out = []
    good = dump(snap)
    m3 = snap['mappings'][3]

    out.append(('not-json', 'hello, world\n', r'not a valid JSON document', (1, None)))
    out.append(('empty', '', r'not a valid JSON document', (1, None)))
    out.append(('binary', '\x00\x01\x02garbage', r'not a valid JSON document', (1, None)))
    # Cut inside a string, and cut after a line: the end of input is on
    # the last line either way (after a newline, on the empty line).
    cut = good[:good.index('"end": "%s"' % m3['end']) + 10]
    out.append(('truncated', cut, r'not a valid JSON document: .*end of (file|input)',
                (cut.count('\n') + 1, None)))
    cut = good[:good.index('\n', len(good) // 2) + 1]
    out.append(('truncated-line', cut, r'not a valid JSON document: .*end of (file|input)',
                (cut.count('\n') + 1, None)))
    out.append(('trailing', good + '{}\n', r'not a valid JSON document: end of file expected',
                (good.count('\n') + 1, None)))
    out.append(('duplicate-key', good.replace('"pid":', '"comm": "x",\n "pid":', 1),
                r'not a valid JSON document: duplicate object key', None))
    out.append(('array', '[1, 2]\n', r'not a memmap snapshot', (1, 1)))

    x = copy.deepcopy(snap)
    x['schema'] = 'memmap/2'
    text = dump(x)
    out.append(('schema', text, r'schema: "memmap/2" is not supported', pos_of(text, '"memmap/2"')))

    x = copy.deepcopy(snap)
    del x['schema']
    text = dump(x)
    out.append(('no-schema', text, r'not a memmap snapshot: no "schema"', (1, 1)))

    x = copy.deepcopy(snap)
    del x['mappings'][3]['start']
    text = dump(x)
    out.append(('missing-field', text, r'mappings\[3\]: missing "start"',
                brace_before(text, '"end": "%s"' % m3['end'])))

    x = copy.deepcopy(snap)
    x['pid'] = str(snap['pid'])
    text = dump(x)
    out.append(('wrong-type', text, r'pid: expected a non-negative integer, found a string',
                pos_of(text, '"%d"' % snap['pid'])))

    x = copy.deepcopy(snap)
    x['mappings'][3]['regions'][0]['rss'] = 'many'
    text = dump(x)
    out.append(('wrong-type-nested', text,
                r'mappings\[3\]\.regions\[0\]\.rss: expected a non-negative integer',
                pos_of(text, '"many"')))

    x = copy.deepcopy(snap)
    x['mappings'][3]['end'] = '0xzz'
    text = dump(x)
    out.append(('bad-hex', text, r'mappings\[3\]\.end: bad hex number "0xzz"',
                pos_of(text, '"0xzz"')))

    x = copy.deepcopy(snap)
    x['mappings'][3]['regions'][-1]['label'] = 'frobnicate'
    text = dump(x)
    out.append(('unknown-label', text,
                r'mappings\[3\]\.regions\[\d+\]\.label: unknown label "frobnicate"',
                pos_of(text, '"frobnicate"')))

    # Regions that leave a hole: the first region starts a page late.
    i = next(i for i, m in enumerate(snap['mappings'])
             if mt.h(m['end']) - mt.h(m['start']) >= 2 * PAGE and len(m['regions']) == 1
             and m['rss'] == 0)
    x = copy.deepcopy(snap)
    r = x['mappings'][i]['regions'][0]
    r['start'] = hex(mt.h(r['start']) + PAGE)
    r['vsz'] -= PAGE
    text = dump(x)
    out.append(('no-tiling', text,
                r'mappings\[%d\]\.regions\[0\]: .*regions must tile the mapping' % i,
                brace_before(text, '"start": "%s"' % r['start'])))

    # Regions that overrun: the last region ends past its mapping.
    x = copy.deepcopy(snap)
    m = x['mappings'][i]
    r = m['regions'][-1]
    r['end'] = hex(mt.h(r['end']) + PAGE)
    r['vsz'] += PAGE
    text = dump(x)
    out.append(('overrun', text, r'mappings\[%d\]\.regions\[\d+\]: .*ends beyond its mapping' % i,
                brace_before(text, '"end": "%s"' % r['end'])))

    # Counters that wrap (issue 19): four regions of 4 EiB RSS each add up
    # to 0 in uint64, the mapping's RSS; before, the file loaded.  (JSON
    # numbers stop at 2^63 - 1 in jansson, so one counter alone cannot.)
    j = next(j for j, m in enumerate(snap['mappings'])
             if mt.h(m['end']) - mt.h(m['start']) >= 4 * PAGE and len(m['regions']) == 1
             and m['rss'] == 0 and m['pss'] == 0)
    x = copy.deepcopy(snap)
    m = x['mappings'][j]
    r = m['regions'][0]
    s0, e0 = mt.h(r['start']), mt.h(r['end'])
    q = (e0 - s0) // PAGE // 4 * PAGE
    bounds = [s0, s0 + q, s0 + 2 * q, s0 + 3 * q, e0]
    m['regions'] = [dict(r, start=hex(a), end=hex(b), vsz=b - a, rss=1 << 62, pss=1 << 62)
                    for a, b in zip(bounds, bounds[1:])]
    text = dump(x)
    out.append(('counter-wrap', text,
                r'mappings\[%d\]\.regions\[0\]\.rss: %d is larger than '
                r'the region \(%d\)' % (j, 1 << 62, q), pos_of(text, str(1 << 62))))

    # A counter no sum checks: 8 EiB of private dirty bytes in a mapping.
    x = copy.deepcopy(snap)
    x['mappings'][3]['private_dirty'] = (1 << 63) - 1
    text = dump(x)
    out.append(('counter-huge', text,
                r'mappings\[3\]\.private_dirty: %d is larger than the mapping' % ((1 << 63) - 1),
                pos_of(text, str((1 << 63) - 1))))

    x = copy.deepcopy(snap)
    x['mappings'][1], x['mappings'][2] = x['mappings'][2], x['mappings'][1]
    text = dump(x)
    out.append(('unsorted', text, r'mappings\[2\]: .*must be sorted by address',
                brace_before(text, '"end": "%s"' % x['mappings'][2]['end'])))

    x = copy.deepcopy(snap)
    x['mappings'][3]['regions'][0]['how'] = 'magic'
    text = dump(x)
    out.append(('unknown-how', text, r'regions\[0\]\.how: unknown value "magic"',
                pos_of(text, '"magic"')))
    return out


def check_case(t, tmp, good_f, name, text, msg_re, where):
    path = os.path.join(tmp, name + '.json')
    with open(path, 'w', encoding='utf-8', errors='surrogateescape') as f:
        f.write(text)
    for args, side in (((path, good_f), 'A'), ((good_f, path), 'B')):
        for extra in ((), ('-J',)):
            rc, out, err = mt.run_memmap('--diff', *args, *extra)
            what = '%s (side %s%s)' % (name, side, ' -J' if extra else '')
            t.eq(rc, 2, what + ': exit')
            t.eq(out, '', what + ': stdout (no partial diff)')
            lines = err.splitlines()
            if not t.eq(len(lines), 1, what + ': stderr lines %r' % lines):
                continue
            m = re.match(r'^memmap: %s:(\d+):(\d+): (.*)$' % re.escape(path), lines[0])
            if not t.check(m, what + ': not "memmap: FILE:LINE:COL: ...": %r' % lines[0]):
                continue
            line, col, msg = int(m.group(1)), int(m.group(2)), m.group(3)
            t.check(re.search(msg_re, msg), '%s: message %r does not match %r'
                    % (what, msg, msg_re))
            if where:
                t.eq(line, where[0], what + ': line')
                if where[1] is not None:
                    t.eq(col, where[1], what + ': column')


def main():
    t = mt.Checker('diff-load-errors')
    with tempfile.TemporaryDirectory(prefix='memmap-load-') as tmp:
        good_f = os.path.join(tmp, 'good.json')
        with mt.Fixture([grow_binary()]) as fx:
            snap = snapshot_to(good_f, fx.pid)
        rc, out, err = mt.run_memmap('--diff', good_f, good_f)
        t.eq((rc, err), (0, ''), 'the unbroken file loads')

        for name, text, msg_re, where in cases(snap):
            check_case(t, tmp, good_f, name, text, msg_re, where)

        # Files that cannot be read at all: no position, errno's words.
        for path, msg in ((os.path.join(tmp, 'absent.json'), 'No such file or directory'),
                          (tmp, 'Is a directory')):
            rc, out, err = mt.run_memmap('--diff', path, good_f)
            t.eq((rc, out, err), (2, '', 'memmap: %s: %s\n' % (path, msg)),
                 'unreadable %s' % path)
    t.done()


if __name__ == '__main__':
    main()
