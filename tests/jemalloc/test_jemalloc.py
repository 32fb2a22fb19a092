#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A process whose malloc is jemalloc's: the jemalloc fixture (linked with
-ljemalloc; it prints every live block and mallctl's version) or
redis-server (INFO memory's mem_allocator names jemalloc).  memmap must say
it found jemalloc of the version the process itself reports, in one warning
(its extents are not read yet: exit 1), label none of the blocks the fixture
made nor any region of the process glibc's (glibc's malloc never ran there),
and, read under strace, make no 16-byte read of /proc/PID/mem: those are
glibc chunk-header probes, one per resident page of jemalloc's extents
before.  With --no-mem no memory is read at all.

argv: MODE (mem | nomem) fixture FIXTURE | redis
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

GLIBC_LABELS = ('glibc.arena', 'glibc.mmap-chunk')


def mem_reads(tmp, pid, args):
    """(exit code, stderr, [lengths of pread64s of /proc/PID/mem]) of
    memmap args under strace."""
    if not shutil.which('strace'):
        mt.skip('strace is not installed')
    log = os.path.join(tmp, 'strace.log')
    cmd = ['strace', '-f', '-qq', '-y', '-e', 'trace=pread64', '-o', log,
           mt.memmap_path()] + [str(a) for a in args]
    # LeakSanitizer cannot run under ptrace (a sanitized build aborts):
    # off for this one run.
    env = dict(os.environ)
    env['ASAN_OPTIONS'] = (env.get('ASAN_OPTIONS', '') + ':detect_leaks=0').lstrip(':')
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True, timeout=120, env=env)
    if 'ptrace' in r.stderr and 'Operation not permitted' in r.stderr:
        mt.skip('strace cannot trace here: ' + r.stderr.strip())
    lengths = []
    mem = re.compile(r'pread64\(\d+</proc/%d/mem>, .*, (\d+), (0x[0-9a-f]+|\d+)\)' % pid)
    with open(log) as f:
        for line in f:
            m = mem.search(line)
            if m:
                lengths.append(int(m.group(1)))
    return r.returncode, r.stderr, lengths


def check_process(t, tmp, mode, pid, version, blocks):
    args = ['--no-mem'] if mode == 'nomem' else []
    snap, rc, err = mt.memmap_json(*(args + [pid]))
    t.eq(rc, 1, 'exit code (jemalloc recognised, its extents not read)')
    warns = [w for w in snap.get('warnings', []) if 'jemalloc' in w]
    t.eq(len(warns), 1, 'warnings naming jemalloc: %r' % snap.get('warnings'))
    short = version.split('-')[0]
    t.check(warns and ('jemalloc %s:' % short) in warns[0],
            'the warning names jemalloc %s: %r' % (short, warns))
    mt.check_snapshot(t, snap, pid)
    glibc = [(r['start'], r['label']) for m in snap['mappings'] for r in m['regions']
             if r['label'] in GLIBC_LABELS]
    t.eq(glibc, [], 'regions labelled glibc\'s in a process whose malloc is jemalloc')
    wrong = 0
    for start, size in blocks:
        for _, r in mt.regions_in(snap, start, start + size):
            if r['label'] != 'anon':
                a = max(start, mt.h(r['start']))
                b = min(start + size, mt.h(r['end']))
                wrong += b - a
    t.eq(wrong, 0, 'bytes of the %d blocks the fixture printed not anon' % len(blocks))

    rc, err, lengths = mem_reads(tmp, pid, args + [pid])
    t.eq(rc, 1, 'exit code under strace')
    probes = sum(1 for n in lengths if n == 16)
    t.note('%s: %d reads of /proc/%d/mem, %d of 16 bytes' % (mode, len(lengths), pid, probes))
    t.eq(probes, 0, '16-byte reads (glibc chunk-header probes) of its memory')
    if mode == 'nomem':
        t.eq(len(lengths), 0, 'reads of /proc/PID/mem with --no-mem')


def run_fixture(t, tmp, mode, path):
    with mt.Fixture([path]) as fx:
        blocks = [(mt.h(l[1]), int(l[2])) for l in fx.lines if l[0] == 'block']
        t.check(len(blocks) > 100, 'the fixture printed its blocks')
        check_process(t, tmp, mode, fx.pid, fx.info['version'][0], blocks)


def redis_cli(sock, *cmd):
    return subprocess.run(['redis-cli', '-s', sock] + list(cmd), capture_output=True,
                          text=True, timeout=30).stdout


def run_redis(t, tmp, mode):
    server = shutil.which('redis-server')
    if not server or not shutil.which('redis-cli'):
        mt.skip('redis-server is not installed (scripts/install-deps installs it)')
    sock = os.path.join(tmp, 'redis.sock')
    argv = [server, '--port', '0', '--unixsocket', sock, '--save', '',
            '--appendonly', 'no', '--dir', tmp, '--enable-debug-command', 'yes',
            '--logfile', os.path.join(tmp, 'redis.log')]
    with mt.Process(argv) as p:
        for _ in range(200):
            if os.path.exists(sock) and redis_cli(sock, 'PING').strip() == 'PONG':
                break
            time.sleep(0.1)
        else:
            mt.die('redis-server did not answer on %s' % sock)
        t.eq(redis_cli(sock, 'DEBUG', 'POPULATE', '20000', 'key', '100').strip(), 'OK',
             'DEBUG POPULATE')
        info = dict(l.strip().split(':', 1) for l in
                    redis_cli(sock, 'INFO', 'memory').splitlines() if ':' in l)
        alloc = info.get('mem_allocator', '')
        t.note('INFO memory: mem_allocator %s, used_memory %s, allocator_resident %s' %
               (alloc, info.get('used_memory'), info.get('allocator_resident')))
        if not alloc.startswith('jemalloc-'):
            mt.skip('this redis-server allocates with %r, not jemalloc' % alloc)
        check_process(t, tmp, mode, p.pid, alloc[len('jemalloc-'):], [])


def main():
    mode, what = sys.argv[1], sys.argv[2]
    t = mt.Checker('jemalloc-%s-%s' % (what, mode))
    tmp = tempfile.mkdtemp(prefix='memmap-jemalloc-')
    try:
        if what == 'fixture':
            if len(sys.argv) < 4:
                mt.skip('libjemalloc-dev is not installed: no fixture')
            run_fixture(t, tmp, mode, sys.argv[3])
        else:
            run_redis(t, tmp, mode)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == '__main__':
    main()
