# SPDX-License-Identifier: GPL-2.0-or-later
"""memmaptest: what every memmap integration test needs, stdlib only.

Import it from a test script with

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
    import memmaptest as mt

It runs memmap (path in $MEMMAP), starts fixture processes and always kills
them, reads the independent truths (readelf, /proc/PID/status, /proc/PID/maps)
and carries the generic invariants of a memmap/1 snapshot.  Failures are
collected by a Checker and reported together; exit 1 = failed, 77 = skipped.
"""

import json
import os
import re
import select
import signal
import subprocess
import sys
import time

VSYSCALL_START = 0xffffffffff600000
SKIP = 77


def h(s):
    """An address or size given as a hex string ("0x7f..", "7f..") or int."""
    if isinstance(s, int):
        return s
    return int(s, 16)


# ---------------------------------------------------------------- failures

class Checker:
    """Collects failures; done() prints them and exits 1 (or 0).

    t = Checker('core-factory'); t.check(ok, 'what was wrong'); t.done()
    """

    def __init__(self, name=None):
        self.name = name or os.path.basename(sys.argv[0])
        self.failures = []
        self.passed = 0

    def check(self, cond, msg):
        """Records msg as a failure when cond is false.  Returns cond."""
        if cond:
            self.passed += 1
        else:
            self.failures.append(msg)
            print('FAIL: ' + msg, file=sys.stderr, flush=True)
        return bool(cond)

    def eq(self, got, want, what):
        return self.check(got == want, '%s: got %r, want %r' % (what, got, want))

    def fail(self, msg):
        return self.check(False, msg)

    def note(self, msg):
        print('# ' + msg, flush=True)

    def done(self):
        """Prints a summary and exits: 1 with any failure, else 0."""
        if self.failures:
            print('%s: %d checks failed, %d passed' %
                  (self.name, len(self.failures), self.passed),
                  file=sys.stderr, flush=True)
            for f in self.failures:
                print('  - ' + f, file=sys.stderr)
            sys.exit(1)
        print('%s: all %d checks passed' % (self.name, self.passed), flush=True)
        sys.exit(0)


def as_user(uid, gid=None):
    """A preexec_fn that drops to uid (and gid, default the same)."""
    def drop():
        os.setgroups([])
        os.setgid(uid if gid is None else gid)
        os.setuid(uid)
    return drop


def skip(reason):
    """Exits 77 (meson: skipped) with the reason in the log."""
    print('SKIP: ' + reason, flush=True)
    sys.exit(SKIP)


def die(msg):
    """An error that makes the rest of the test meaningless: exit 1 now."""
    print('FAIL: ' + msg, file=sys.stderr, flush=True)
    sys.exit(1)


# ---------------------------------------------------------------- memmap

def memmap_path():
    p = os.environ.get('MEMMAP')
    if not p:
        die('MEMMAP is not set (run under meson test)')
    if not os.access(p, os.X_OK):
        die('%s: not executable' % p)
    return p


def run_memmap(*args, env=None, timeout=120, binary=False, preexec_fn=None):
    """Runs memmap with args; returns (rc, stdout, stderr).

    env: extra variables (merged into os.environ; a value of None removes
    one).  binary=True returns stdout/stderr as bytes, else str with invalid
    UTF-8 kept as surrogate escapes.  preexec_fn: e.g. as_user(65534).
    """
    e = dict(os.environ)
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    cmd = [memmap_path()] + [str(a) for a in args]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                       env=e, timeout=timeout, preexec_fn=preexec_fn)
    if binary:
        return p.returncode, p.stdout, p.stderr
    return (p.returncode, p.stdout.decode('utf-8', 'surrogateescape'),
            p.stderr.decode('utf-8', 'surrogateescape'))


def valgrind_or_skip(memmap):
    """valgrind's path; skips the test (exit 77) when valgrind is missing
    or memmap was built with a sanitizer (the two cannot run together)."""
    import shutil
    vg = shutil.which('valgrind')
    if not vg:
        skip('valgrind is not installed')
    with open(memmap, 'rb') as f:
        data = f.read()
    if b'__asan_init' in data or b'__ubsan_handle' in data:
        skip('%s is built with a sanitizer; valgrind cannot run it' % memmap)
    return vg


def run_valgrind(vg, options, args, timeout=300, stdout=subprocess.PIPE):
    """Runs memmap args under valgrind with options (a list, the tool's
    first); returns the CompletedProcess, stderr captured."""
    cmd = [vg] + options + [memmap_path()] + [str(a) for a in args]
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=timeout)


def run_bounded(waiting, args, limit):
    """Runs memmap args for at most limit seconds: (rc, stdout, stderr,
    seconds), or rc None when it is still waiting (then SIGKILLed, and left
    in waiting for the caller to reap, e.g. once a stalled server is gone)."""
    t0 = time.monotonic()
    p = subprocess.Popen([memmap_path()] + [str(a) for a in args],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    waiting.append(p)
    try:
        out, err = p.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        p.kill()
        return None, '', '', time.monotonic() - t0
    return (p.returncode, out.decode('utf-8', 'surrogateescape'),
            err.decode('utf-8', 'surrogateescape'), time.monotonic() - t0)

def memmap_json(*args, ok_rcs=(0, 1), **kw):
    """Runs `memmap -J args...` and returns (snapshot dict, rc, stderr).

    Dies when the exit code is not in ok_rcs or stdout is not one valid JSON
    document.
    """
    rc, out, err = run_memmap('-J', *args, **kw)
    if rc not in ok_rcs:
        die('memmap -J %s: exit %d, stderr: %s' %
            (' '.join(map(str, args)), rc, err.strip()))
    try:
        snap = json.loads(out)
    except ValueError as ex:
        die('memmap -J %s: stdout is not JSON (%s); first bytes: %r' %
            (' '.join(map(str, args)), ex, out[:200]))
    return snap, rc, err


# ---------------------------------------------------------------- fixtures

class Fixture:
    """A process that prints `key value...` lines then `ready`, and waits.

        with mt.Fixture([factory]) as fx:
            fx.pid; fx.info['anon'] -> ['7f..', '7f..']; fx.lines

    The process is killed (SIGTERM, then SIGKILL) and reaped when the
    block ends, whatever happens.  Lines before `ready` are kept in order in fx.lines (lists of
    words) and by first word in fx.info (the rest of the words; a repeated
    key keeps the last).  A `pid N` line sets fx.pid, else the child's pid.
    """

    def __init__(self, argv, timeout=20, env=None, cwd=None, preexec_fn=None):
        self.argv = [str(a) for a in argv]
        self.timeout = timeout
        self.env = env
        self.cwd = cwd
        self.preexec_fn = preexec_fn
        self.proc = None
        self.lines = []
        self.info = {}
        self.pid = None

    def __enter__(self):
        e = dict(os.environ)
        e.update(self.env or {})
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, env=e,
                                     cwd=self.cwd, start_new_session=True,
                                     preexec_fn=self.preexec_fn)
        try:
            self._read_until_ready()
        except BaseException:
            self.kill()
            raise
        return self

    def _read_until_ready(self):
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + self.timeout
        buf = b''
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                die('%s: no "ready" within %ds; got %r' %
                    (self.argv[0], self.timeout, buf[-300:]))
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                self.proc.wait()
                die('%s: exited %s before "ready"; got %r' %
                    (self.argv[0], self.proc.returncode, buf[-300:]))
            buf += chunk
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                words = line.decode('utf-8', 'surrogateescape').split()
                if words == ['ready']:
                    if self.pid is None:
                        self.pid = self.proc.pid
                    return
                if not words:
                    continue
                self.lines.append(words)
                self.info[words[0]] = words[1:]
                if words[0] == 'pid' and len(words) > 1:
                    self.pid = int(words[1])

    def range(self, key):
        """(start, end) of a `KEY START END` line, as ints."""
        v = self.info[key]
        return h(v[0]), h(v[1])

    def kill(self):
        """SIGTERM (the factory removes its temp files), then SIGKILL if
        it is still there after 2 s; always reaped."""
        if self.proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 2), (signal.SIGKILL, 10)):
            if self.proc.poll() is not None:
                break
            try:
                self.proc.send_signal(sig)
                self.proc.wait(timeout=wait)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        if self.proc.stdout:
            self.proc.stdout.close()

    def __exit__(self, *exc):
        self.kill()
        return False


class Process(Fixture):
    """A program that prints nothing (sleep, python3): started, given a
    moment to finish loading (until its maps stop changing), killed at the
    end like a Fixture."""

    def _read_until_ready(self):
        self.pid = self.proc.pid
        deadline = time.monotonic() + self.timeout
        last = None
        stable = 0
        while time.monotonic() < deadline:
            time.sleep(0.1)
            if self.proc.poll() is not None:
                die('%s: exited %d at start' % (self.argv[0],
                                                self.proc.returncode))
            try:
                st = proc_status(self.pid)
                with open('/proc/%d/maps' % self.pid) as f:
                    maps = f.read()
            except OSError:
                continue
            # Still the exec'ing parent, or still loading: wait.
            cur = (maps, st.get('State', ''))
            if cur == last and st.get('State', '').startswith('S'):
                stable += 1
                if stable >= 3:
                    return
            else:
                stable = 0
            last = cur
        die('%s: did not settle within %ds' % (self.argv[0], self.timeout))


# ---------------------------------------------------------------- truths

def readelf_sections(path):
    """`readelf -SW path` as dicts: name, type, addr, off, size, flags
    (the letters, e.g. 'AX'), index."""
    out = subprocess.run(['readelf', '-SW', path], capture_output=True,
                         text=True, check=True).stdout
    secs = []
    pat = re.compile(r'^\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+([0-9a-f]+)\s+'
                     r'([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(\S*?)\s*'
                     r'(\d+)\s+(\d+)\s+(\d+)\s*$')
    for line in out.splitlines():
        m = pat.match(line)
        if not m or m.group(3) == 'Type':
            continue
        idx, name, typ, addr, off, size, es, flags = m.groups()[:8]
        if not name and typ == 'NULL':
            continue
        secs.append(dict(index=int(idx), name=name, type=typ,
                         addr=int(addr, 16), off=int(off, 16),
                         size=int(size, 16), flags=flags))
    return secs


def readelf_segments(path):
    """`readelf -lW path` program headers as dicts: type, offset, vaddr,
    paddr, filesz, memsz, flags (e.g. 'R E'), align."""
    out = subprocess.run(['readelf', '-lW', path], capture_output=True,
                         text=True, check=True).stdout
    segs = []
    pat = re.compile(r'^\s+([A-Z_][A-Za-z_+0-9]*)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)'
                     r'\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+'
                     r'([RWE ]+?)\s+0x([0-9a-f]+)\s*$')
    for line in out.splitlines():
        m = pat.match(line)
        if not m:
            continue
        t, off, va, pa, fs, ms, fl, al = m.groups()
        segs.append(dict(type=t, offset=int(off, 16), vaddr=int(va, 16),
                         paddr=int(pa, 16), filesz=int(fs, 16),
                         memsz=int(ms, 16), flags=fl.strip(),
                         align=int(al, 16)))
    return segs


def proc_status(pid):
    """/proc/PID/status as {field: value string}."""
    st = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            k, _, v = line.partition(':')
            st[k] = v.strip()
    return st


def status_bytes(st, field):
    """A `NNN kB` field of a proc_status() dict, in bytes (None if absent)."""
    v = st.get(field)
    if v is None:
        return None
    n, _, unit = v.partition(' ')
    return int(n) * (1024 if unit.strip() == 'kB' else 1)


def proc_smaps(pid):
    """/proc/PID/smaps as proc_maps() dicts plus every `Field: N kB` line
    in bytes under its own name ('Rss', 'Swap', ...)."""
    out = []
    with open('/proc/%d/smaps' % pid, 'rb') as f:
        text = f.read()
    hdr = re.compile(rb'^[0-9a-f]+-[0-9a-f]+ ')
    cur = None
    for raw in text.split(b'\n'):
        if hdr.match(raw):
            parts = raw.split(None, 5)
            s, e = parts[0].split(b'-')
            cur = dict(start=int(s, 16), end=int(e, 16),
                       perms=parts[1].decode(), offset=int(parts[2], 16),
                       dev=parts[3].decode(), inode=int(parts[4]),
                       path=parts[5].decode('utf-8', 'surrogateescape')
                       if len(parts) > 5 else None)
            out.append(cur)
        elif cur is not None and raw.endswith(b' kB'):
            k, _, v = raw.partition(b':')
            cur[k.decode()] = int(v.split()[0]) * 1024
    return out


def proc_maps(pid):
    """/proc/PID/maps as dicts: start, end, perms, offset, dev, inode,
    path (str or None; kernel escapes left as they are)."""
    maps = []
    with open('/proc/%d/maps' % pid, 'rb') as f:
        for raw in f:
            parts = raw.rstrip(b'\n').split(None, 5)
            rng, perms, off, dev, ino = parts[:5]
            s, e = rng.split(b'-')
            path = parts[5].decode('utf-8', 'surrogateescape') \
                if len(parts) > 5 else None
            maps.append(dict(start=int(s, 16), end=int(e, 16),
                             perms=perms.decode(), offset=int(off, 16),
                             dev=dev.decode(), inode=int(ino), path=path))
    return maps


# ---------------------------------------------------------------- lookups

def mapping_start(maps, addr):
    """The start of the /proc/PID/maps entry (from proc_maps) holding addr."""
    return [m['start'] for m in maps if m['start'] <= addr < m['end']][0]


def mapping_at(snap, addr):
    """The snapshot mapping holding addr, or None."""
    for m in snap['mappings']:
        if h(m['start']) <= addr < h(m['end']):
            return m
    return None


def regions_in(snap, start, end):
    """[(mapping, region)] of every region overlapping [start, end)."""
    out = []
    for m in snap['mappings']:
        if h(m['end']) <= start or h(m['start']) >= end:
            continue
        for r in m['regions']:
            if h(r['end']) > start and h(r['start']) < end:
                out.append((m, r))
    return out


def covered(snap, start, end):
    """True when the mappings cover [start, end) without a hole."""
    pos = start
    for m in snap['mappings']:
        ms, me = h(m['start']), h(m['end'])
        if me <= pos:
            continue
        if ms > pos:
            return False
        pos = me
        if pos >= end:
            return True
    return pos >= end


# ---------------------------------------------------------------- invariants

def check_sorted(t, snap):
    """Mappings are sorted by address, non-empty and don't overlap."""
    prev_end = 0
    ok = True
    for m in snap['mappings']:
        s, e = h(m['start']), h(m['end'])
        ok &= t.check(s < e, 'mapping %s-%s is empty or inverted' %
                      (m['start'], m['end']))
        ok &= t.check(s >= prev_end, 'mapping %s-%s overlaps or precedes the '
                      'one ending at %#x' % (m['start'], m['end'], prev_end))
        prev_end = e
    return ok


def check_tiling(t, snap):
    """Every mapping's regions are sorted and tile it exactly, each region's
    vsz is its size, and region rss sums to the mapping's rss."""
    ok = True
    for m in snap['mappings']:
        s, e = h(m['start']), h(m['end'])
        where = 'mapping %s-%s %s' % (m['start'], m['end'], m.get('path'))
        regs = m.get('regions') or []
        if not t.check(regs, where + ': no regions'):
            ok = False
            continue
        pos = s
        for r in regs:
            rs, re_ = h(r['start']), h(r['end'])
            ok &= t.check(rs == pos and re_ > rs,
                          '%s: region %s-%s does not continue at %#x' %
                          (where, r['start'], r['end'], pos))
            ok &= t.check(r['vsz'] == re_ - rs, '%s: region %s-%s vsz %d' %
                          (where, r['start'], r['end'], r['vsz']))
            pos = re_
        ok &= t.check(pos == e, '%s: regions end at %#x' % (where, pos))
        for k in ('rss', 'pss', 'swap'):
            tot = sum(r[k] for r in regs)
            ok &= t.check(tot == m[k], '%s: regions %s sum %d != mapping %d' %
                          (where, k, tot, m[k]))
    return ok


def check_categories(t, snap):
    """Each category equals the sums over the regions with its label (vsz,
    reserved = vsz in ---p mappings, rss, pss, swap, dirty, region count),
    and exactly the labels present have a category."""
    keys = ('vsz', 'reserved', 'rss', 'pss', 'swap', 'dirty', 'regions')
    sums = {}
    for m in snap['mappings']:
        none = m['perms'][:3] == '---'
        for r in m['regions']:
            c = sums.setdefault(r['label'], dict.fromkeys(keys, 0))
            c['vsz'] += r['vsz']
            c['reserved'] += r['vsz'] if none else 0
            for k in ('rss', 'pss', 'swap', 'dirty'):
                c[k] += r[k]
            c['regions'] += 1
    ok = True
    cats = {c['label']: c for c in snap['categories']}
    ok &= t.eq(sorted(cats), sorted(sums), 'category labels vs region labels')
    for label, want in sums.items():
        got = cats.get(label)
        if got is None:
            continue
        for k in keys:
            ok &= t.eq(got.get(k), want[k], 'category %s %s' % (label, k))
    return ok


def check_totals(t, snap):
    """totals.{vsz,rss,pss,swap} equal the sums over mappings."""
    ok = True
    for k in ('vsz', 'rss', 'pss', 'swap', 'private_dirty', 'shared_dirty'):
        ok &= t.eq(snap['totals'][k], sum(m[k] for m in snap['mappings']),
                   'totals.%s vs sum over mappings' % k)
    return ok


def check_vsz_status(t, snap, pid, rss_slack=None):
    """VSZ total == VmSize + the [vsyscall] page(s) of /proc/PID/maps; RSS
    total within rss_slack (default 2% + 256 KiB) of VmRSS + HugetlbPages
    (huge pages from the pool, which VmRSS leaves out and memmap counts),
    both read from /proc now (the target must be quiet)."""
    st = proc_status(pid)
    vsys = sum(x['end'] - x['start'] for x in proc_maps(pid)
               if x['path'] == '[vsyscall]')
    want = status_bytes(st, 'VmSize') + vsys
    ok = t.eq(snap['totals']['vsz'], want,
              'totals.vsz vs VmSize %s + vsyscall %d' % (st['VmSize'], vsys))
    rss = status_bytes(st, 'VmRSS') + (status_bytes(st, 'HugetlbPages') or 0)
    slack = rss_slack if rss_slack is not None else rss // 50 + 256 * 1024
    ok &= t.check(abs(snap['totals']['rss'] - rss) <= slack,
                  'totals.rss %d vs VmRSS + HugetlbPages %d: off by more than %d' %
                  (snap['totals']['rss'], rss, slack))
    return ok


def _list_labels():
    """The label vocabulary as the binary under test lists it (`memmap
    --list-labels --raw`: "NAME CLASS help" lines), so a label added to
    src/model/labels.c needs no edit here; check_docs guards that none of
    memmap/1's labels ever goes.  Empty when MEMMAP is not runnable: the
    tests then stop at memmap_path() anyway."""
    p = os.environ.get('MEMMAP')
    try:
        r = subprocess.run([p, '--list-labels', '--raw'], capture_output=True,
                           text=True, timeout=30)
    except (TypeError, OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(ln.split()[0] for ln in r.stdout.splitlines() if ln.split())


LABELS = _list_labels()
HOWS = frozenset(('elf', 'kernel', 'runtime', 'heuristic'))

# The fields memmap/1 promises (docs: brief "JSON (memmap/1)"), by object.
SCHEMA_TOP = ('schema', 'tool', 'pid', 'comm', 'exe', 'time', 'kernel',
              'page_size', 'status', 'runtime', 'totals', 'coverage',
              'categories', 'mappings', 'warnings')
SCHEMA_STATUS = ('vm_size', 'vm_rss', 'rss_anon', 'rss_file', 'rss_shmem',
                 'vm_swap', 'threads')
SCHEMA_TOTALS = ('vsz', 'reserved', 'rss', 'pss', 'swap', 'private_dirty',
                 'shared_dirty')
SCHEMA_CATEGORY = ('label', 'vsz', 'reserved', 'rss', 'pss', 'swap', 'dirty',
                   'regions')
SCHEMA_MAPPING_SIZES = ('vsz', 'rss', 'pss', 'pss_dirty', 'swap', 'swap_pss',
                        'shared_clean', 'shared_dirty', 'private_clean',
                        'private_dirty', 'referenced', 'anonymous', 'lazyfree',
                        'anon_huge', 'shmem_huge', 'file_huge', 'shared_huge',
                        'private_huge', 'locked', 'kernel_page_size',
                        'mmu_page_size')
SCHEMA_REGION_SIZES = ('vsz', 'rss', 'pss', 'swap', 'dirty')


def _is_size(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _is_addr(v):
    return isinstance(v, str) and re.fullmatch(r'0x[0-9a-f]+', v) is not None


def check_schema(t, snap):
    """Every field memmap/1 promises is there with its type: sizes are
    non-negative integers, addresses "0x..." strings, labels and hows from
    the vocabulary; categories come by RSS, largest first.  Reports the
    first few problems only, so one systematic slip does not flood."""
    bad = []

    def need(cond, msg):
        if not cond and len(bad) < 20:
            bad.append(msg)

    for k in SCHEMA_TOP:
        need(k in snap, 'top-level %r missing' % k)
    need(snap.get('schema') == 'memmap/1', 'schema %r' % snap.get('schema'))
    need(isinstance(snap.get('pid'), int), 'pid %r' % snap.get('pid'))
    need(isinstance(snap.get('time'), str) and re.fullmatch(
        r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)',
        snap.get('time') or ''), 'time %r is not RFC 3339' % snap.get('time'))
    st = snap.get('status')
    if st is not None:
        for k in SCHEMA_STATUS:
            need(_is_size(st.get(k)), 'status.%s %r' % (k, st.get(k)))
    for k in SCHEMA_TOTALS:
        need(_is_size((snap.get('totals') or {}).get(k)), 'totals.%s' % k)
    cats = snap.get('categories') or []
    for c in cats:
        for k in SCHEMA_CATEGORY:
            need(k in c, 'category %r: %s missing' % (c.get('label'), k))
        need(c.get('label') in LABELS, 'category label %r' % c.get('label'))
    rss = [c.get('rss', 0) for c in cats]
    need(rss == sorted(rss, reverse=True), 'categories not by rss descending')
    for m in snap.get('mappings') or []:
        w = 'mapping %s' % m.get('start')
        for k in ('start', 'end', 'offset'):
            need(_is_addr(m.get(k)), '%s: %s %r' % (w, k, m.get(k)))
        need(isinstance(m.get('perms'), str) and
             re.fullmatch(r'[r-][w-][x-][ps]', m.get('perms', '')),
             '%s: perms %r' % (w, m.get('perms')))
        need(isinstance(m.get('dev'), str) and
             re.fullmatch(r'[0-9a-f]+:[0-9a-f]+', m.get('dev', '')),
             '%s: dev %r' % (w, m.get('dev')))
        need(_is_size(m.get('inode')), '%s: inode %r' % (w, m.get('inode')))
        need('path' in m and (m['path'] is None or isinstance(m['path'], str)),
             '%s: path' % w)
        need(isinstance(m.get('deleted'), bool), '%s: deleted' % w)
        need('vm_flags' in m, '%s: vm_flags missing' % w)
        for k in SCHEMA_MAPPING_SIZES:
            need(_is_size(m.get(k)), '%s: %s %r' % (w, k, m.get(k)))
        for r in m.get('regions') or []:
            rw = '%s region %s' % (w, r.get('start'))
            need(_is_addr(r.get('start')) and _is_addr(r.get('end')),
                 rw + ': start/end')
            need(r.get('label') in LABELS, '%s: label %r' % (rw, r.get('label')))
            need(r.get('how') in HOWS, '%s: how %r' % (rw, r.get('how')))
            need('detail' in r and (r['detail'] is None or
                                    isinstance(r['detail'], str)), rw + ': detail')
            need(isinstance(r.get('rss_exact'), bool), rw + ': rss_exact')
            for k in SCHEMA_REGION_SIZES:
                need(_is_size(r.get(k)), '%s: %s %r' % (rw, k, r.get(k)))
    need(isinstance(snap.get('warnings'), list), 'warnings is not a list')
    for b in bad:
        t.fail('schema: ' + b)
    if not bad:
        t.check(True, '')
    return not bad


def check_snapshot(t, snap, pid=None):
    """All the generic invariants; with pid also the /proc/status ones."""
    t.eq(snap.get('schema'), 'memmap/1', 'schema')
    ok = check_schema(t, snap)
    ok &= check_sorted(t, snap)
    ok &= check_tiling(t, snap)
    ok &= check_categories(t, snap)
    ok &= check_totals(t, snap)
    if pid is not None:
        ok &= check_vsz_status(t, snap, pid)
    return ok


# ---------------------------------------------------------------- ELF images

def elf_expected_label(sec, relro, prefix, start=None, end=None):
    """The label a SHF_ALLOC section (or its part [start, end), in file
    vaddrs) must carry, by readelf's word alone: executable → text; inside
    PT_GNU_RELRO → relro; NOBITS → bss; writable → data; else rodata."""
    fl = sec['flags']
    s = sec['addr'] if start is None else start
    e = sec['addr'] + sec['size'] if end is None else end
    if 'X' in fl:
        return prefix + '.text'
    if relro and relro[0] <= s and e <= relro[1]:
        return prefix + '.relro'
    if sec['type'] == 'NOBITS':
        return prefix + '.bss'
    if 'W' in fl:
        return prefix + '.data'
    return prefix + '.rodata'


def elf_section_pieces(sec, relro):
    """A section's [start, end) (file vaddrs) cut at the relro bounds: a
    section can straddle the end of relro (.got.plt's reserved entries are
    made read-only with .got)."""
    s, e = sec['addr'], sec['addr'] + sec['size']
    cuts = sorted({s, e} | ({c for c in relro if s < c < e} if relro else set()))
    return list(zip(cuts, cuts[1:]))


def load_bias(snap, path, segs):
    """The load bias of the ELF file mapped from path: the start of its
    offset-0 mapping minus the page-aligned vaddr of its first PT_LOAD."""
    loads = [s for s in segs if s['type'] == 'LOAD']
    if not loads:
        return None
    first = min(loads, key=lambda s: s['vaddr'])
    base = [h(m['start']) for m in snap['mappings']
            if m.get('path') == path and h(m['offset']) == 0]
    if not base:
        return None
    align = 4096
    return min(base) - (first['vaddr'] - first['vaddr'] % align)


def check_elf_image(t, snap, path, prefix, pid=None, must_mention=None,
                    only=None, elf_file=None):
    """Every SHF_ALLOC section of the ELF file mapped from path (but .tbss;
    with only, just the sections named there) lies, after the load bias, in
    regions labelled elf_expected_label() whose detail names the section
    (and must_mention, e.g. 'libc.so.6').  Reads the file through
    /proc/PID/root when pid is given, or elf_file (a copy of what was
    mapped, when the file at path is no longer it).  Returns the number of
    sections checked."""
    fpath = elf_file or ('/proc/%d/root%s' % (pid, path) if pid else path)
    secs = readelf_sections(fpath)
    segs = readelf_segments(fpath)
    bias = load_bias(snap, path, segs)
    if not t.check(bias is not None, '%s: no mapping at offset 0' % path):
        return 0
    relro = None
    for s in segs:
        if s['type'] == 'GNU_RELRO':
            # ld.so protects whole pages: the end rounds down.
            end = s['vaddr'] + s['memsz']
            relro = (s['vaddr'], end - end % 4096)
    n = 0
    for sec in secs:
        if 'A' not in sec['flags'] or sec['size'] == 0 or \
                sec['name'] == '.tbss' or (only and sec['name'] not in only):
            continue
        n += 1
        for ps, pe in elf_section_pieces(sec, relro):
            want = elf_expected_label(sec, relro, prefix, ps, pe)
            s, e = ps + bias, pe + bias
            what = '%s section %s [%#x, %#x)' % (os.path.basename(path),
                                                sec['name'], s, e)
            if not t.check(covered(snap, s, e), what + ': not fully mapped'):
                continue
            for m, r in regions_in(snap, s, e):
                rw = '%s: region %s-%s' % (what, r['start'], r['end'])
                t.eq(r['label'], want, rw + ' label')
                det = r.get('detail') or ''
                t.check(sec['name'] in re.split(r'[\s,;:()]+', det),
                        '%s: detail %r does not name %s' % (rw, det, sec['name']))
                if must_mention:
                    t.check(must_mention in det, '%s: detail %r does not '
                            'mention %s' % (rw, det, must_mention))
    return n


def check_labels_at(t, snap, start, end, labels, what):
    """Every region overlapping [start, end) has a label in labels, and the
    mappings cover the whole range.  Returns the (mapping, region) list."""
    labels = {labels} if isinstance(labels, str) else set(labels)
    t.check(covered(snap, start, end), '%s [%#x, %#x): not fully mapped' %
            (what, start, end))
    rs = regions_in(snap, start, end)
    for m, r in rs:
        t.check(r['label'] in labels, '%s [%#x, %#x): region %s-%s is %s, '
                'want %s' % (what, start, end, r['start'], r['end'],
                             r['label'], '|'.join(sorted(labels))))
    return rs


def check_kernel_names(t, snap):
    """[stack], [vdso], [vvar], [vvar_vclock], [vsyscall], [heap] carry
    their labels in every region."""
    want = {'[stack]': 'stack', '[vdso]': 'kernel.vdso',
            '[vvar]': 'kernel.vvar', '[vvar_vclock]': 'kernel.vvar',
            '[vsyscall]': 'kernel.vsyscall', '[heap]': 'heap'}
    seen = set()
    for m in snap['mappings']:
        p = m.get('path')
        if p in want:
            seen.add(p)
            for r in m['regions']:
                t.eq(r['label'], want[p], 'mapping %s %s region %s label' %
                     (m['start'], p, r['start']))
    return seen


def check_vs_smaps(t, snap, pid):
    """The snapshot's mappings are /proc/PID/smaps's, one for one, with the
    same range, perms, offset, inode and the counters a quiet process keeps
    (Size, Rss, Anonymous, Swap).  Read now: the target must be quiet."""
    truth = proc_smaps(pid)
    got = [(h(m['start']), h(m['end']), m['perms'], h(m['offset']), m['inode'])
           for m in snap['mappings']]
    want = [(x['start'], x['end'], x['perms'], x['offset'], x['inode'])
            for x in truth]
    if not t.eq(got, want, 'mappings vs /proc/PID/smaps'):
        return False
    ok = True
    for m, x in zip(snap['mappings'], truth):
        for k, sk in (('vsz', 'Size'), ('rss', 'Rss'),
                      ('anonymous', 'Anonymous'), ('swap', 'Swap')):
            if sk in x:
                ok &= t.eq(m[k], x[sk], 'mapping %s %s %s vs smaps %s' %
                           (m['start'], m.get('path'), k, sk))
    return ok


def pmap_x(pid):
    """`pmap -x PID` as ({start: (kbytes, rss_kb, dirty_kb)}, totals
    (kbytes, rss_kb, dirty_kb)), or None when pmap is not installed."""
    try:
        out = subprocess.run(['pmap', '-x', str(pid)], capture_output=True,
                             text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    rows, total = {}, None
    for line in out.splitlines():
        w = line.split()
        if len(w) >= 5 and re.fullmatch(r'[0-9a-f]{6,}', w[0]) and \
                all(x.isdigit() for x in w[1:4]):
            rows[int(w[0], 16)] = tuple(int(x) for x in w[1:4])
        elif w[:2] == ['total', 'kB']:
            total = tuple(int(x) for x in w[2:5])
    return rows, total


def check_vs_pmap(t, snap, pid):
    """procps's `pmap -x` agrees: per mapping and in total, Kbytes = vsz,
    RSS = rss, Dirty = private_dirty + shared_dirty.  Notes and passes when
    pmap is missing."""
    px = pmap_x(pid)
    if px is None:
        t.note('pmap not installed: pmap comparison not run')
        return True
    rows, total = px
    ok = t.check(total is not None, 'pmap -x %d: no total line' % pid)
    for m in snap['mappings']:
        want = rows.get(h(m['start']))
        if not t.check(want is not None, 'pmap -x has no row at %s' % m['start']):
            ok = False
            continue
        got = (m['vsz'] // 1024, m['rss'] // 1024,
               (m['private_dirty'] + m['shared_dirty']) // 1024)
        ok &= t.eq(got, want, 'mapping %s %s (KiB vsz, rss, dirty) vs pmap -x'
                   % (m['start'], m.get('path')))
    if total:
        tt = snap['totals']
        ok &= t.eq((tt['vsz'] // 1024, tt['rss'] // 1024,
                    (tt['private_dirty'] + tt['shared_dirty']) // 1024), total,
                   'totals (KiB vsz, rss, dirty) vs pmap -x total')
    return ok
