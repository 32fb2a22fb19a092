#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""node with a known heap: tests/v8/v8_fixture.js allocates, runs two full
GCs, prints V8's own %DebugPrint of an old-space object, a large-object
array, a young object and undefined (read-only space),
v8.getHeapSpaceStatistics() and its pid, then waits.  It runs with
--trace-code-range-allocation: V8 11 prints where its code range is (V8 10
prints nothing: its code range goes unchecked).

exact: memmap names node and V8 as the process reports them
(process.versions), exits 0, and labels each space's pages (v8.heap /
v8.code, detail the space's name) adding up to exactly the space_size V8
reports for it (asked again by SIGUSR2 just before and just after memmap
runs, which runs again while the two differ), and the committed bytes memmap reads from V8's space
objects (runtime.v8_spaces) equal it too; each object's address lies in a
page of the space V8 put it in (the read-only one: one read-only mapping,
a heuristic); every byte of the code range V8 printed is v8.code or the
part of node's file V8 maps into it, and no v8.code lies outside; coverage
of RSS is >= 95 %.
--no-mem: V8's mappings by shape only (how: heuristic): the v8.heap bytes
are exactly the spaces' space_size outside the code range plus the
read-only page's mapping, each object's address in v8.heap, the code range
as in exact mode, coverage of RSS >= 95 %, exit 0.  A node whose V8 has no
layout row in memmap: one warning naming its V8, exit 1, nothing v8.* in
either mode.

argv: MODE (mem | nomem) FIXTURE.js [SUITE]  (SUITE: run the node of that
Debian suite scripts/fetch-suites unpacked into $MEMMAP_SUITES; skipped when
absent.  Default: the node on PATH)
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

SUITES = os.environ.get('MEMMAP_SUITES', '/var/cache/memmap-suites')
# The V8 versions src/runtimes/v8/v8_layouts.c has a row for.
KNOWN = {(10, 2), (11, 3)}
SPACE_OF = {'old': 'old_space', 'large': 'large_object_space', 'young': 'new_space',
            'readonly': 'read_only_space'}
CODE_SPACES = ('code_space', 'code_large_object_space')


def objects(fx):
    """{kind: address} from `object KIND` followed by V8's DebugPrint line;
    the elements' address for the large array (the large object)."""
    out, kind = {}, None
    for words in fx.lines:
        if words[0] == 'object':
            kind = words[1]
        elif kind and words[0] == 'DebugPrint:' and kind != 'large':
            out[kind] = int(words[1].rstrip(':'), 16) & ~1
            kind = None
        elif kind == 'large' and words[:2] == ['-', 'elements:']:
            out[kind] = int(words[2], 16) & ~1
            kind = None
    return out


def code_range(fx):
    """[lo, hi) of the last region --trace-code-range-allocation printed
    ("=== Fallback attempt, hint=...: [0x7f.., 0x7f..)")."""
    lo = hi = 0
    for words in fx.lines:
        m = re.search(r'\[(0x[0-9a-f]+), (0x[0-9a-f]+)\)', ' '.join(words))
        if words[0] == '===' and m:
            lo, hi = int(m.group(1), 16), int(m.group(2), 16)
    return lo, hi


def unknown_version(t, snap, rc, version):
    """A V8 without a layout row: one warning naming it, exit 1, nothing
    labelled v8.*."""
    t.note('V8 %s has no layout row: right-or-absent checked' % version)
    t.eq(rc, 1, 'exit code')
    warns = [w for w in snap['warnings'] if ('V8 %s' % version) in w]
    t.eq(len(warns), 1, 'warnings naming V8 %s: %r' % (version, snap['warnings']))
    v8 = [r['start'] for m in snap['mappings'] for r in m['regions']
          if r['label'].startswith('v8.')]
    t.eq(v8, [], 'v8.* regions')
    return t.done()


def space_lines(words_list):
    return {w[1]: (int(w[2]), int(w[3])) for w in words_list if w and w[0] == 'space'}


def ask_spaces(pid, path):
    """v8.getHeapSpaceStatistics() now: the fixture writes them to path on
    SIGUSR2."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    os.kill(pid, signal.SIGUSR2)
    deadline = time.monotonic() + 10
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            mt.die('the fixture wrote no space statistics to %s' % path)
        time.sleep(0.01)
    with open(path) as f:
        return space_lines(line.split() for line in f)


def read_steady(t, pid, path, args):
    """memmap's snapshot with V8's spaces asked just before and just after
    it; again (5 tries) while the two differ: V8's own tasks may still
    move a page after the fixture printed."""
    for _ in range(5):
        before = ask_spaces(pid, path)
        snap, rc, err = mt.memmap_json(*(args + [pid]))
        after = ask_spaces(pid, path)
        if before == after:
            return before, snap, rc, err
        t.note('the spaces changed while memmap read them: %r -> %r' % (before, after))
    t.fail('the spaces never held still across a memmap run')
    return after, snap, rc, err


def region_at(snap, addr):
    for m, r in mt.regions_in(snap, addr, addr + 1):
        return m, r
    return None, None


def main():
    mode, script = sys.argv[1], sys.argv[2]
    node, env = shutil.which('node'), {}
    if len(sys.argv) > 3:	# a suite's node, unpacked by scripts/fetch-suites
        root = os.path.join(SUITES, sys.argv[3])
        node = os.path.join(root, 'usr', 'bin', 'node')
        env['LD_LIBRARY_PATH'] = os.path.join(root, 'usr', 'lib', 'x86_64-linux-gnu')
        if not os.path.exists(node):
            mt.skip('%s is not unpacked (scripts/fetch-suites)' % node)
    if not node:
        mt.skip('node is not installed')
    t = mt.Checker('v8-' + mode)
    argv = [node, '--allow-natives-syntax', '--expose-gc', '--no-memory-reducer', script]
    opts = subprocess.run([node, '--v8-options'], env=dict(os.environ, **env),
                          stdout=subprocess.PIPE, check=False).stdout
    if b'--trace-code-range-allocation' in opts:	# V8 11 on
        argv.insert(-1, '--trace-code-range-allocation')
    tmp = tempfile.mkdtemp(prefix='memmap-v8-')
    env['V8_FIXTURE_SPACES'] = os.path.join(tmp, 'spaces')
    try:
        with mt.Fixture(argv, timeout=120, env=env) as fx:
            return check(t, mode, node, fx, env['V8_FIXTURE_SPACES'])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check(t, mode, node, fx, path):
    t.check(space_lines(fx.lines), 'the fixture printed its spaces')
    objs = objects(fx)
    t.eq(sorted(objs), sorted(SPACE_OF), 'objects the fixture printed')
    args = ['--no-mem'] if mode == 'nomem' else []
    spaces, snap, rc, err = read_steady(t, fx.pid, path, args)
    mt.check_snapshot(t, snap, fx.pid)
    v8_version = fx.info['versions'][1]
    t.note('node %s, V8 %s' % tuple(fx.info['versions']))
    if tuple(int(x) for x in v8_version.split('.')[:2]) not in KNOWN:
        return unknown_version(t, snap, rc, v8_version)
    t.eq(rc, 0, 'exit code (stderr %r)' % err)
    rt = snap.get('runtime') or {}
    t.eq(rt.get('lang'), 'node', 'runtime lang')
    want = '%s (V8 %s)' % tuple(fx.info['versions'])
    t.eq(rt.get('version'), want, 'runtime version (process.versions)')

    by_space = {}
    for m in snap['mappings']:
        for r in m['regions']:
            if r['label'].startswith('v8.'):
                k = r['detail']
                by_space[k] = by_space.get(k, 0) + mt.h(r['end']) - mt.h(r['start'])
    ro_map, _ = region_at(snap, objs['readonly'])
    t.check(ro_map is not None and ro_map['perms'] == 'r--p',
            'the read-only object lies in a read-only mapping')
    ro_bytes = mt.h(ro_map['end']) - mt.h(ro_map['start']) if ro_map else 0
    if mode == 'nomem':
        nomem_heap(t, snap, spaces, objs, ro_bytes)
    else:
        exact_heap(t, snap, rt, spaces, objs, by_space, ro_bytes)
    code_range_checks(t, fx, snap, node)

    rss = snap['totals']['rss']
    anon = sum(c['rss'] for c in snap['categories'] if c['label'] in ('anon', 'anon.named'))
    cover = 100.0 * (rss - anon) / rss
    t.note('RSS %d, anon %d: %.2f %% labelled' % (rss, anon, cover))
    t.check(cover >= 95.0, 'coverage of RSS %.2f %% >= 95 %%' % cover)
    return t.done()


def nomem_heap(t, snap, spaces, objs, ro_bytes):
    """By shape: every v8.* region a heuristic; v8.heap exactly the spaces'
    pages outside the code range plus the read-only page."""
    heap = 0
    for m in snap['mappings']:
        for r in m['regions']:
            if r['label'].startswith('v8.'):
                t.eq(r['how'], 'heuristic', 'v8 region %s how' % r['start'])
            if r['label'] == 'v8.heap':
                heap += mt.h(r['end']) - mt.h(r['start'])
    want = sum(size for name, (size, _) in spaces.items()
               if name not in CODE_SPACES and name != 'read_only_space') + ro_bytes
    t.eq(heap, want, 'v8.heap bytes by shape vs V8\'s space_size outside code + read-only page')
    for kind, addr in sorted(objs.items()):
        _, r = region_at(snap, addr)
        t.eq(r and r['label'], 'v8.heap', '%s object %#x label' % (kind, addr))


def exact_heap(t, snap, rt, spaces, objs, by_space, ro_bytes):
    """From V8's headers and space objects: each space's pages exactly."""
    for name, (size, physical) in sorted(spaces.items()):
        if name == 'read_only_space':	# shared: V8 counts none of it
            t.eq(by_space.get(name, 0), ro_bytes, 'read-only page bytes')
            continue
        t.eq(by_space.get(name, 0), size,
             '%s: labelled bytes vs V8\'s space_size (physical %d)' % (name, physical))
    # V8's own count, read by memmap from its space objects.
    read = {sp['name']: sp for sp in rt.get('v8_spaces', [])}
    t.eq(rt.get('v8_heaps'), 1, 'V8 heaps (isolates)')
    for name, (size, _) in sorted(spaces.items()):
        sp = read.get(name, {})
        t.eq(sp.get('committed', 0), size, '%s: committed as memmap read it' % name)
        t.eq(sp.get('pages'), by_space.get(name, 0), '%s: pages vs labelled' % name)
    for kind, addr in sorted(objs.items()):
        _, r = region_at(snap, addr)
        t.check(r is not None and r['label'] == 'v8.heap' and
                r['detail'] == SPACE_OF[kind],
                '%s object %#x: in %s, got %s' % (
                    kind, addr, SPACE_OF[kind],
                    r and (r['label'], r['detail'], r['how'])))



def code_range_checks(t, fx, snap, node):
    """The code range as V8 printed it: every byte v8.code, or the part of
    node's own file V8 maps into it (its embedded builtins); no v8.code
    outside it."""
    lo, hi = code_range(fx)
    if not hi:
        t.note('V8 printed no code range: not checked')
        return
    t.check(hi - lo >= 1 << 20, 'V8 printed its code range [%#x, %#x)' % (lo, hi))
    t.check(mt.covered(snap, lo, hi), 'the code range is mapped without a hole')
    inside = outside = other = 0
    for m in snap['mappings']:
        for r in m['regions']:
            s, e = mt.h(r['start']), mt.h(r['end'])
            part = max(0, min(e, hi) - max(s, lo))
            if r['label'] == 'v8.code':
                inside += part
                outside += (e - s) - part
            elif part and not (r['label'] == 'exe.text' and m['path'] and
                               os.path.realpath(m['path']) == os.path.realpath(node)):
                other += part
    t.note('code range [%#x, %#x): v8.code %d bytes' % (lo, hi, inside))
    t.eq(other, 0, 'bytes of the code range neither v8.code nor node\'s text')
    t.eq(outside, 0, 'v8.code bytes outside the code range')
    t.check(inside > (hi - lo) // 2, 'most of the code range is v8.code')


if __name__ == '__main__':
    sys.exit(main())
