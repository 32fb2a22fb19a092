#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""memmap --diff against what the grow fixture says it did.

Modes:
  changes  snapshot, SIGUSR1 (the fixture mmaps and writes ANON_SIZE, grows
           the brk heap by a HEAP_SIZE malloc, starts a thread), snapshot;
           --diff FILE FILE and --diff FILE PID must show exactly those
           changes with the fixture's addresses and sizes, in the right
           labels, and nothing else beyond a bounded noise; the totals
           agree with /proc/PID/status; the table and --threshold too.
  shrink   then SIGUSR2: half the anon mapping made read-only, the heap
           trimmed, a shared mapping unmapped: protection, shrank, vanished.
  self     a snapshot diffed with itself reports no change (table and
           JSON); --save writes a snapshot that loads back identical.
  pids     two different processes: a warning, and the diff still made.
  names    a file name that is not UTF-8, with a newline and an escape
           sequence: path_hex in JSON, escaped in the table.
  name     a side given as a process name.
  roundtrip  a snapshot loaded and written again is the same document.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (mt, PAGE, page_up, grow_binary, trigger, rng, vmrss,  # noqa: E402
                    snapshot_to, diff_json, overlapping)

# Changes nobody asked for: code and data pages first touched by the
# fixture's thread creation and the signal, the main stack.  Bounded.
NOISE_RSS = 512 * 1024
NOISE_VSZ = 64 * 1024


def one_change(t, d, start, end, what):
    cs = overlapping(d, start, end)
    if not t.check(len(cs) == 1, '%s %#x-%#x: %d changes overlap it, want 1: %r'
                   % (what, start, end, len(cs),
                      [(c['kind'], c['label'], c['start'], c['end']) for c in cs])):
        return None
    return cs[0]


def check_changes(t, d, info, pid, where):
    a_s, a_e = rng(info, 'anon')
    anon_size = int(info['anon_size'][0])
    heap_size = int(info['heap_size'][0])
    brk0, brk1 = rng(info, 'heap')
    ts_s, ts_e = rng(info, 'thread_stack')
    tg_s, tg_e = rng(info, 'thread_guard')
    expected = []

    t.eq(d.get('schema'), 'memmap-diff/1', where + ': schema')
    t.eq(d['before']['pid'], pid, where + ': before.pid')
    t.eq(d['after']['pid'], pid, where + ': after.pid')
    t.eq(d['warnings'], [], where + ': warnings')

    c = one_change(t, d, a_s, a_e, where + ': anon mapping')
    if c:
        expected.append(c)
        t.eq((c['kind'], c['label']), ('appeared', 'anon'), where + ': anon kind/label')
        t.eq((mt.h(c['start']), mt.h(c['end'])), (a_s, a_e), where + ': anon range')
        t.eq(c['before'], None, where + ': anon before')
        t.eq(c['delta']['vsz'], anon_size, where + ': anon delta.vsz')
        t.eq(c['delta']['rss'], anon_size, where + ': anon delta.rss (every byte written)')
        t.eq(c['after']['perms'], 'rw-p', where + ': anon perms')

    # The heap: brk moved from brk0 to brk1; [heap] ends at brk rounded up.
    c = one_change(t, d, page_up(brk0), page_up(brk1), where + ': heap growth')
    if c:
        expected.append(c)
        t.eq((c['kind'], c['label'], c['path']), ('grew', 'heap', '[heap]'),
             where + ': heap kind/label/path')
        t.eq(mt.h(c['before']['end']), page_up(brk0), where + ': heap end before')
        t.eq(mt.h(c['after']['end']), page_up(brk1), where + ': heap end after')
        t.eq(c['delta']['vsz'], page_up(brk1) - page_up(brk0), where + ': heap delta.vsz')
        # The malloc'd block starts inside the old top chunk, whose last
        # page may already have been resident.
        t.check(heap_size - 2 * PAGE <= c['delta']['rss'] <= c['delta']['vsz'] + 2 * PAGE,
                '%s: heap delta.rss %d, want about %d' % (where, c['delta']['rss'], heap_size))

    c = one_change(t, d, ts_s, ts_e, where + ': thread stack')
    if c:
        expected.append(c)
        t.eq((c['kind'], c['label']), ('appeared', 'thread.stack'), where + ': stack kind/label')
        t.eq((mt.h(c['start']), mt.h(c['end'])), (ts_s, ts_e), where + ': stack range')
        t.eq(c['delta']['vsz'], ts_e - ts_s, where + ': stack delta.vsz')
        # A thread blocked in read() has touched a few pages only.
        t.check(0 < c['delta']['rss'] <= 64 * 1024,
                '%s: stack delta.rss %d' % (where, c['delta']['rss']))
    if tg_e > tg_s:
        c = one_change(t, d, tg_s, tg_e, where + ': thread guard')
        if c:
            expected.append(c)
            t.eq((c['kind'], c['label']), ('appeared', 'thread.guard'),
                 where + ': guard kind/label')
            t.eq((mt.h(c['start']), mt.h(c['end'])), (tg_s, tg_e), where + ': guard range')
            t.eq((c['after']['perms'], c['delta']['rss']), ('---p', 0), where + ': guard')

    others = [c for c in d['changes'] if not any(c is e for e in expected)]
    rss = sum(abs(c['delta']['rss']) for c in others)
    vsz = sum(abs(c['delta']['vsz']) for c in others)
    t.check(rss <= NOISE_RSS and vsz <= NOISE_VSZ,
            '%s: other changes sum |rss| %d |vsz| %d, more than %d/%d: %r' %
            (where, rss, vsz, NOISE_RSS, NOISE_VSZ,
             [(c['kind'], c['label'], c['start'], c['delta']) for c in others]))
    t.note('%s: %d expected changes, %d others (|rss| %d, |vsz| %d)' %
           (where, len(expected), len(others), rss, vsz))

    # Per label: the fixture's own changes and noise, nothing more.
    cats = {c['label']: c for c in d['categories']}
    want = {'anon': anon_size, 'heap': page_up(brk1) - page_up(brk0),
            'thread.stack': ts_e - ts_s, 'thread.guard': tg_e - tg_s}
    for label, vsz_delta in want.items():
        if vsz_delta == 0:
            continue
        c = cats.get(label)
        if t.check(c is not None, '%s: no category %s' % (where, label)):
            t.eq(c['delta']['vsz'], vsz_delta, '%s: category %s delta.vsz' % (where, label))
            t.eq(c['after']['vsz'] - c['before']['vsz'], c['delta']['vsz'],
                 '%s: category %s before/after/delta' % (where, label))
    c = cats.get('anon')
    if c:
        t.check(abs(c['delta']['rss'] - anon_size) <= NOISE_RSS,
                '%s: category anon delta.rss %d vs %d' % (where, c['delta']['rss'], anon_size))
    rss = sum(abs(c['delta']['rss']) for label, c in cats.items() if label not in want)
    t.check(rss <= NOISE_RSS, '%s: other labels changed rss by %d' % (where, rss))
    keys = [abs(c['delta']['rss']) for c in d['categories']]
    t.eq(keys, sorted(keys, reverse=True), where + ': categories sorted by |rss delta|')


def mode_changes(t, tmp):
    before_f = os.path.join(tmp, 'before.json')
    after_f = os.path.join(tmp, 'after.json')
    with mt.Fixture([grow_binary()]) as fx:
        before = snapshot_to(before_f, fx.pid)
        rss0 = vmrss(fx.pid)
        info = trigger(fx)
        t.note('fixture did: %r' % info)
        after = snapshot_to(after_f, fx.pid)
        rss1 = vmrss(fx.pid)

        d, err = diff_json(before_f, after_f)
        check_changes(t, d, info, fx.pid, 'file/file')
        t.eq((d['before']['source'], d['before']['file']), ('file', before_f), 'before source')
        # Totals: what the snapshots hold, and /proc's own VmRSS delta.
        t.eq(d['delta']['rss'], after['totals']['rss'] - before['totals']['rss'],
             'delta.rss vs the snapshots\' totals')
        t.check(abs(d['delta']['rss'] - (rss1 - rss0)) <= NOISE_RSS,
                'delta.rss %d vs VmRSS delta %d' % (d['delta']['rss'], rss1 - rss0))

        # The after side live: the fixture is quiet now.
        d, err = diff_json(before_f, fx.pid)
        check_changes(t, d, info, fx.pid, 'file/PID')
        t.eq(d['after']['source'], 'live', 'after source with a PID')

        # The table: one row per change, sizes in bytes with -b.
        rc, out, err = mt.run_memmap('--diff', before_f, after_f, '-b', '-r')
        t.eq(rc, 0, 'table diff exit')
        a_s, a_e = rng(info, 'anon')
        pat = r'^appeared anon %x %d \+%d \+%d rw-p' % (a_s, a_e - a_s, a_e - a_s, a_e - a_s)
        t.check(re.search(pat, out, re.M), 'table: no row matching %r in:\n%s' % (pat, out))
        t.check(re.search(r'^grew heap [0-9a-f]+ \d+ \+\d+ \+\d+ rw-p \[heap\]$', out, re.M),
                'table: no heap row in:\n%s' % out)
        # -r keeps the columns for awk: an empty cell is "-", every row of
        # a table has its heading's field count (the anon row has no NAME).
        t.check(re.search(r'^appeared anon %x .* rw-p -$' % a_s, out, re.M),
                'table -r: the anon row ends with "-" for NAME:\n%s' % out)
        for block in out.strip('\n').split('\n\n'):
            lines = block.splitlines()
            counts = sorted(set(len(line.split()) for line in lines))
            t.eq(counts, [len(lines[0].split())],
                 'table -r: field counts of %r... (awk NF)' % lines[0])
        rc, out, err = mt.run_memmap('--diff', before_f, after_f)
        t.eq(rc, 0, 'decorated table diff exit')
        t.check(re.search(r'^LABEL +RSS-BEFORE +RSS-AFTER +RSS-DELTA', out, re.M) and
                re.search(r'^CHANGE +LABEL', out, re.M) and 'before: pid %d' % fx.pid in out,
                'decorated table: headings or header missing:\n%s' % out)

        # --threshold: the 4 KiB guard and the small noise go, the rest stays.
        # A change left beyond the threshold is exit 3 (documented).
        d, err = diff_json(before_f, after_f, '--threshold', '1M', ok_rcs=(3,))
        labels = sorted(c['label'] for c in d['changes'])
        t.eq(labels, ['anon', 'heap', 'thread.stack'], '--threshold 1M: changes left')
        t.check(d['hidden'] >= 1, '--threshold 1M: hidden %d' % d['hidden'])
        t.eq(d['threshold'], 1 << 20, 'threshold in JSON')
        rc, out, err = mt.run_memmap('--diff', before_f, after_f, '--threshold', '1T')
        t.check(rc == 0 and 'no changes' in out, '--threshold 1T: nothing left, exit 0: '
                '%d %r' % (rc, err))

        # --summary: the labels' changes, not the regions'.
        rc, out, err = mt.run_memmap('--diff', before_f, after_f, '--summary')
        t.eq(rc, 0, '--diff --summary: exit (%r)' % err)
        t.check(re.search(r'^LABEL +RSS-BEFORE', out, re.M) and
                not re.search(r'^CHANGE +LABEL', out, re.M),
                '--diff --summary: labels, no regions:\n%s' % out)


def mode_shrink(t, tmp):
    """After growing, the fixture makes half its anon mapping read-only,
    frees and trims the heap block and unmaps a shared mapping: protection,
    shrank and vanished, with its addresses and sizes."""
    mid_f = os.path.join(tmp, 'mid.json')
    with mt.Fixture([grow_binary()]) as fx:
        d_s, d_e = fx.range('doomed')
        grown = trigger(fx)
        snapshot_to(mid_f, fx.pid)
        info = trigger(fx, sig=signal.SIGUSR2)
        t.note('fixture did: %r' % info)
        d, err = diff_json(mid_f, fx.pid)
    a_s, a_e = rng(grown, 'anon')
    p_s, p_e = rng(info, 'protect')
    brk0, brk1 = rng(info, 'heap')
    expected = []

    c = one_change(t, d, p_s, p_e, 'read-only half')
    if c:
        expected.append(c)
        t.eq((c['kind'], c['label']), ('protection', 'anon'), 'mprotect: kind/label')
        t.eq((mt.h(c['start']), mt.h(c['end'])), (a_s, a_e), 'mprotect: the whole mapping')
        t.eq(c['protection'], p_e - p_s, 'mprotect: bytes whose protection changed')
        t.eq((c['delta']['vsz'], c['delta']['rss']), (0, 0), 'mprotect: sizes unchanged')
        t.eq((c['before']['perms'], c['after']['perms']), ('rw-p', 'rw-p,r--p'), 'mprotect: perms')

    c = one_change(t, d, page_up(brk1), page_up(brk0), 'trimmed heap')
    if c:
        expected.append(c)
        t.eq((c['kind'], c['label']), ('shrank', 'heap'), 'trim: kind/label')
        t.eq(c['delta']['vsz'], page_up(brk1) - page_up(brk0), 'trim: delta.vsz')
        t.check(c['delta']['vsz'] - 2 * PAGE <= c['delta']['rss'] <= c['delta']['vsz'] + 2 * PAGE,
                'trim: delta.rss %d vs delta.vsz %d' % (c['delta']['rss'], c['delta']['vsz']))

    c = one_change(t, d, d_s, d_e, 'unmapped shared mapping')
    if c:
        expected.append(c)
        t.eq((c['kind'], c['label'], c['after']), ('vanished', 'shmem', None), 'munmap: kind/label')
        t.eq((mt.h(c['start']), mt.h(c['end'])), (d_s, d_e), 'munmap: range')
        t.eq((c['before']['vsz'], c['before']['rss']), (d_e - d_s, d_e - d_s), 'munmap: sizes before')

    others = [c for c in d['changes'] if not any(c is e for e in expected)]
    rss = sum(abs(c['delta']['rss']) for c in others)
    vsz = sum(abs(c['delta']['vsz']) for c in others)
    t.check(rss <= NOISE_RSS and vsz <= NOISE_VSZ,
            'other changes sum |rss| %d |vsz| %d: %r' %
            (rss, vsz, [(c['kind'], c['label'], c['start'], c['delta']) for c in others]))


def mode_self(t, tmp):
    snap_f = os.path.join(tmp, 'snap.json')
    saved_f = os.path.join(tmp, 'saved.json')
    with mt.Fixture([grow_binary()]) as fx:
        trigger(fx)
        snap = snapshot_to(snap_f, fx.pid)
        rc, out, err = mt.run_memmap('--summary', '--save', saved_f, fx.pid)
        t.eq(rc, 0, '--save exit (stderr %r)' % err)
        t.check('LABEL' in out, '--save still prints the summary')

    d, err = diff_json(snap_f, snap_f)
    t.eq((d['changes'], d['categories'], d['hidden']), ([], [], 0), 'self diff is empty')
    t.eq(d['delta'], {'vsz': 0, 'rss': 0, 'pss': 0, 'swap': 0}, 'self diff delta')
    t.eq(d['before']['totals']['rss'], snap['totals']['rss'], 'loaded totals.rss')
    t.eq(d['before']['totals']['vsz'], snap['totals']['vsz'], 'loaded totals.vsz')
    rc, out, err = mt.run_memmap('--diff', snap_f, snap_f)
    t.eq(rc, 0, 'self table diff exit')
    t.check(re.search(r'^no changes$', out, re.M), 'self table says "no changes":\n' + out)

    # --save wrote a complete, valid snapshot of the same process.
    with open(saved_f) as f:
        saved = mt.json.load(f)
    mt.check_snapshot(t, saved)
    t.eq(saved['pid'], snap['pid'], 'saved pid')
    d, err = diff_json(saved_f, saved_f)
    t.eq((d['changes'], d['categories']), ([], []), 'saved snapshot diffed with itself')
    # Written by the same process, the two snapshots match mapping for
    # mapping (the fixture was quiet in between).
    t.eq([(m['start'], m['end'], m['perms']) for m in saved['mappings']],
         [(m['start'], m['end'], m['perms']) for m in snap['mappings']],
         'saved mappings vs -J mappings')


def mode_pids(t, tmp):
    a_f = os.path.join(tmp, 'a.json')
    with mt.Fixture([grow_binary()]) as fa:
        snapshot_to(a_f, fa.pid)
        with mt.Fixture([grow_binary()]) as fb:
            d, err = diff_json(a_f, fb.pid)
            t.eq((d['before']['pid'], d['after']['pid']), (fa.pid, fb.pid), 'pids')
            t.check(any('different processes' in w for w in d['warnings']),
                    'warning in JSON: %r' % d['warnings'])
            t.check(re.search(r'^memmap: warning: comparing different processes', err, re.M),
                    'warning on stderr: %r' % err)
            # Same program, same layout: the labels match even though the
            # addresses (ASLR) do not.
            t.check(len(d['changes']) > 0, 'different processes: changes listed')


NAMES_CHILD = r'''
import mmap, signal, sys
f = open(sys.argv[1].encode("utf-8", "surrogateescape"), "rb")
m = mmap.mmap(f.fileno(), 65536, prot=mmap.PROT_READ)
m[0:65536]
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
print("ready", flush=True)
signal.sigwait([signal.SIGUSR1])
m.close()
f.close()
print("done", flush=True)
signal.pause()
'''


def mode_names(t, tmp):
    """A file whose name is not UTF-8 and holds a newline and an escape
    sequence: the JSON diff has the raw bytes in path_hex, the table an
    escaped name and no control bytes."""
    raw = os.fsencode(tmp) + b'/bad\xff\n\x1b[31mred.bin'
    with open(raw, 'wb') as f:
        f.write(b'x' * 65536)
    before_f = os.path.join(tmp, 'before.json')
    name = os.fsdecode(raw)
    with mt.Fixture([sys.executable, '-c', NAMES_CHILD, name]) as fx:
        snapshot_to(before_f, fx.pid)
        trigger(fx)
        d, err = diff_json(before_f, fx.pid)
        rc, out, err = mt.run_memmap('--diff', before_f, fx.pid, binary=True)
    cs = [c for c in d['changes'] if c.get('path_hex') == raw.hex()]
    if t.eq(len(cs), 1, 'one change with path_hex of the raw name: %r' %
            [(c['kind'], c['path']) for c in d['changes']]):
        t.eq((cs[0]['kind'], cs[0]['label'], cs[0]['before']['vsz']), ('vanished', 'file', 65536),
             'the unmapped file')
        t.check('\ufffd' in cs[0]['path'], 'path has U+FFFD for the bad byte')
    t.eq(rc, 0, 'table exit')
    rows = [line for line in out.split(b'\n') if b'vanished' in line]
    t.check(len(rows) == 1 and rows[0].endswith(b'/bad\\xff\\x0a\\x1b[31mred.bin'),
            'table row ends with the escaped name: %r' % rows)
    t.check(b'\x1b' not in out and b'\xff' not in out, 'no raw escape or invalid byte in the table')


def mode_process_names(t, tmp):
    """A process whose comm and exe are not UTF-8: the JSON diff is valid
    JSON and carries the raw bytes in exe_hex (and comm_hex), exactly as
    the snapshot (-J) does."""
    factory = os.environ.get('MEMMAP_FACTORY') or mt.die('MEMMAP_FACTORY unset')
    raw = b'mm\xff\xfe\x1b[7m'
    exe = os.fsencode(tmp) + b'/' + raw
    shutil.copy(factory, exe)
    os.chmod(exe, 0o755)
    with mt.Fixture([os.fsdecode(exe)]) as fx:
        snap, _, _ = mt.memmap_json(fx.pid)
        rc, out, err = mt.run_memmap('-J', '--diff', fx.pid, fx.pid, binary=True)
    t.eq(rc, 0, 'diff exit (stderr %r)' % err)
    try:
        d = mt.json.loads(out.decode('utf-8'))
    except ValueError as ex:
        t.fail('the diff is not valid UTF-8 JSON (%s): %r' % (ex, out[:300]))
        return
    t.check(b'\x1b' not in out, 'raw ESC in the JSON diff')
    # libproc2 hands comm over with its bad bytes as '?': comm_hex appears
    # only when a comm is invalid, and the diff must follow the snapshot.
    t.eq(snap.get('exe_hex'), exe.hex(), 'snapshot exe_hex')
    for side in ('before', 'after'):
        s = d[side]
        t.eq((s['comm'], s.get('comm_hex')), (snap['comm'], snap.get('comm_hex')),
             '%s: comm and comm_hex as in the snapshot' % side)
        t.eq((s['exe'], s.get('exe_hex')), (snap['exe'], snap.get('exe_hex')),
             '%s: exe and exe_hex as in the snapshot' % side)


def differences(a, b, path=''):
    """Paths where two JSON values differ."""
    if type(a) is not type(b):
        return [path]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append('%s.%s (only in %s)' % (path, k, 'one'))
            else:
                out += differences(a[k], b[k], '%s.%s' % (path, k))
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return ['%s (length %d vs %d)' % (path, len(a), len(b))]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, '%s[%d]' % (path, i))
        return out
    return [] if a == b else ['%s: %r vs %r' % (path, a, b)]


def mode_roundtrip(t, tmp):
    """A snapshot loaded and written again is the same document: the loader
    keeps every field, and the counters it shares out to regions come back
    exactly as the file has them."""
    if len(sys.argv) < 4:
        mt.die('roundtrip needs the reload tool as third argument')
    reload = sys.argv[3]
    with mt.Fixture([grow_binary()]) as fx, \
            mt.Process([sys.executable, '-c', 'import time, json; x = [0] * 10**6; '
                        'time.sleep(60)']) as py:
        trigger(fx)
        for name, pid in (('grow', fx.pid), ('python3', py.pid)):
            path = os.path.join(tmp, name + '.json')
            snap = snapshot_to(path, pid)
            p = subprocess.run([reload, path], capture_output=True, text=True)
            if not t.eq(p.returncode, 0, '%s: reload exit (%s)' % (name, p.stderr.strip())):
                continue
            again = mt.json.loads(p.stdout)
            diffs = differences(snap, again)
            t.check(not diffs, '%s: %d fields differ after a round trip: %s' %
                    (name, len(diffs), '; '.join(diffs[:10])))
            multi = sum(1 for m in snap['mappings'] if len(m['regions']) > 1)
            t.note('%s: %d mappings (%d with several regions) round-trip' %
                   (name, len(snap['mappings']), multi))


def mode_name(t, tmp):
    """A side given as a process name (no such file there) is that process,
    live; a file of that name wins; an ambiguous name is refused."""
    import random
    import shutil
    name = 'mmdiff%06d' % random.randrange(10 ** 6)
    exe = os.path.join(tmp, name)
    shutil.copy(grow_binary(), exe)
    cwd = os.path.join(tmp, 'cwd')
    os.mkdir(cwd)
    snap_f = os.path.join(tmp, 'snap.json')

    def run(*args):
        p = subprocess.run([mt.memmap_path(), *map(str, args)], cwd=cwd,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr

    with mt.Fixture([exe]) as fx:
        snapshot_to(snap_f, fx.pid)
        rc, out, err = run('-J', '--diff', snap_f, name)
        t.eq(rc, 0, 'by name: exit (%r)' % err)
        if rc == 0:
            d = mt.json.loads(out)
            t.eq((d['after']['source'], d['after']['pid']), ('live', fx.pid), 'by name: live side')
        # A file of that name that is no memmap snapshot (the program's
        # own binary, say) yields to the process, and memmap says so.
        shutil.copy(exe, os.path.join(cwd, name))
        rc, out, err = run('-J', '--diff', snap_f, name)
        t.eq(rc, 0, 'a binary of that name: exit (%r)' % err)
        if rc == 0:
            d = mt.json.loads(out)
            t.eq((d['after']['source'], d['after']['pid']), ('live', fx.pid),
                 'a binary of that name: the process is used')
        t.check('not a memmap snapshot; using the process %s (pid %d)' % (name, fx.pid)
                in err, 'a binary of that name: which was used is said: %r' % err)
        # A memmap snapshot of that name wins.
        shutil.copy(snap_f, os.path.join(cwd, name))
        rc, out, err = run('-J', '--diff', snap_f, name)
        t.check(rc == 0 and mt.json.loads(out)['after']['source'] != 'live',
                'a snapshot of that name wins: %d %r' % (rc, err))
        os.unlink(os.path.join(cwd, name))
        with mt.Fixture([exe]) as fx2:
            rc, out, err = run('--diff', snap_f, name)
            t.check(rc == 2 and '2 processes have that name' in err,
                    'two processes of that name: %d %r (pids %d %d)' % (rc, err, fx.pid, fx2.pid))


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'changes'
    t = mt.Checker('diff-' + mode)
    with tempfile.TemporaryDirectory(prefix='memmap-diff-') as tmp:
        {'changes': mode_changes, 'shrink': mode_shrink, 'self': mode_self,
         'pids': mode_pids, 'roundtrip': mode_roundtrip, 'names': mode_names,
         'name': mode_name, 'process-names': mode_process_names}[mode](t, tmp)
    t.done()


if __name__ == '__main__':
    main()
