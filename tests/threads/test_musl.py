#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The threads fixture built with musl (musl-gcc), dynamic and static: each
thread's stack and guard by the addresses the fixture printed
(pthread_getattr_np's stack and guard size), its large mallocs (mallocng
mmaps each its own group) by the pointers it printed, and the header and
JSON naming musl and its version (Debian's musl package's).

Usage: test_musl.py MODE LINK
  MODE   mem: every stack, guard and large malloc named, with the thread's
         TID; nomem: --no-mem, nothing the fixture made carries a wrong label
  LINK   dynamic, static, or static-stripped (`strip` on the static one:
         musl is known by its _start alone; no version, no malloc context
         symbol: the layout whose thread ring reads back, exit 0; under
         --no-mem, where nothing is read, one warning and exit 1)
Skipped (77) when musl-gcc is not installed (musl-tools).
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402


def build(tmp, static, stripped=False):
    """The fixture built with musl-gcc into tmp (and stripped)."""
    cc = shutil.which('musl-gcc')
    if not cc:
        mt.skip('musl-gcc not installed (musl-tools): no musl fixture')
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'threads_fixture.c')
    out = os.path.join(tmp, 'threads_fixture-musl' + ('-static' if static else ''))
    r = subprocess.run([cc, '-O1', '-o', out, src, '-pthread', '-ldl'] +
                       (['-static'] if static else []), capture_output=True, text=True)
    if r.returncode:
        mt.die('musl-gcc: the fixture does not build: %s' % r.stderr.strip()[-300:])
    if stripped:
        subprocess.run(['strip', out], check=True)
        r = subprocess.run(['readelf', '-S', out], capture_output=True, text=True)
        if '.symtab' in r.stdout:
            mt.die('strip left a .symtab in %s' % out)
    return out


def musl_version():
    r = subprocess.run(['dpkg-query', '-W', '-f=${Version}', 'musl'],
                       capture_output=True, text=True)
    return r.stdout.strip().split('-')[0] if r.returncode == 0 else None


def truth(fx):
    """[(start, end, label, tid)] of what the fixture made: each live
    thread's stack and guard (a joined thread's stack musl unmaps), and
    each large malloc's pages (its group starts on the page holding it)."""
    out = []
    for l in fx.lines:
        if l[0] == 'thread':
            tid, low, size, guard = int(l[1]), mt.h(l[3]), int(l[4]), int(l[5])
            out.append((low, low + size, 'thread.stack', tid))
            if guard:
                out.append((low - guard, low, 'thread.guard', tid))
        elif l[0] == 'large':
            p, n = mt.h(l[2]), int(l[3])
            out.append((p & ~4095, (p + n + 4095) & ~4095, 'musl.malloc', None))
    return out


def check(t, snap, ranges, exact):
    for s, e, want, tid in ranges:
        what = '%s %#x-%#x' % (want, s, e)
        regs = mt.regions_in(snap, s, e)
        if not t.check(mt.covered(snap, s, e), '%s: not mapped whole' % what):
            continue
        for m, r in regs:
            lab = r['label']
            if exact:
                t.check(lab == want, '%s: %s-%s is %s' % (what, r['start'], r['end'], lab))
                if lab == want and tid is not None:
                    t.check(str(tid) in (r.get('detail') or ''),
                            '%s: detail %r lacks tid %d' % (what, r.get('detail'), tid))
            else:
                t.check(lab in (want, 'anon'),
                        '%s: %s-%s is %s (wrong)' % (what, r['start'], r['end'], lab))


def main():
    mode, link = sys.argv[1], sys.argv[2]
    t = mt.Checker('threads-musl-%s-%s' % (link, mode))
    tmp = tempfile.mkdtemp(prefix='memmap-musl-')
    try:
        fx_path = build(tmp, link.startswith('static'), link == 'static-stripped')
        with mt.Fixture([fx_path]) as fx:
            ranges = truth(fx)
            t.check(sum(1 for r in ranges if r[2] == 'thread.stack') == 5,
                    'the fixture printed 5 live threads')
            args = ['--no-mem'] if mode == 'nomem' else []
            snap, rc, err = mt.memmap_json(*(args + [fx.pid]))
            mt.check_snapshot(t, snap, fx.pid)
            rt = snap.get('runtime') or {}
            t.eq(rt.get('lang'), 'musl', 'runtime.lang')
            if link == 'dynamic':
                t.eq(rt.get('version'), musl_version(), 'runtime.version')
            if link == 'static-stripped' and mode == 'nomem':
                t.eq(rc, 1, 'exit status: the layout is not known without memory')
                t.check('musl' in err, 'a warning naming musl: %r' % err)
            else:
                t.eq(rc, 0, 'exit status (stderr: %s)' % err.strip())
            check(t, snap, ranges, mode == 'mem')
            rc2, out, _ = mt.run_memmap(*(args + [fx.pid]))
            first = out.splitlines()[0] if out else ''
            t.check(' musl ' in first + ' ', 'the header names musl: %r' % first)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == '__main__':
    main()
