#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Thread stacks, guards, malloc arenas, mmap chunks and ld.so's TLS, checked
by address against what threads_fixture made and printed itself
(pthread_getattr_np, malloc pointers, pthread_self, dlinfo), and against
/proc (task comm, maps).

Usage: test_threads.py MODE [SUITEDIR]   (MODE: mem | nomem | captured | formats)
  SUITEDIR  where scripts/fetch-suites unpacked a suite (meson's suites-dir
            and bullseye: glibc 2.31, trixie: 2.41, sid: 2.43): the fixture is
            built against that glibc, with it as its loader and rpath; skipped
            when it is not there.  "static": the fixture linked statically
            with the system glibc (its TLS then lies in the brk heap).
            Without: the build's fixture, the system glibc.
  mem       memmap reads the target's memory: every label exact, coverage of
            VSZ and RSS >= 99%, and the JSON coverage equals the regions' sums
  nomem     memmap --no-mem: stacks, guards and arenas by shape and stack
            pointer; what needs memory (chunks, TLS, the user stack merged
            with a chunk) may stay anon, but nothing may carry a wrong label
  captured  the same from a copy of the fixture's /proc tree (--proc-root)
  formats   a captured tree whose task files show the other forms: one
            thread blocked outside a syscall ("-1 SP PC"), one running with
            stat's kstkesp set, one running with neither (its stack found
            by shape alone, or not at all)
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

HEAP_MAX = 64 << 20


def gcc_include_dirs():
    """The compiler's own headers (stddef.h...), kept under -nostdinc."""
    r = subprocess.run([os.environ.get('CC', 'cc'), '-print-file-name=include'],
                       capture_output=True, text=True)
    return [r.stdout.strip()] if r.returncode == 0 else []


def static_fixture(tmp):
    """The fixture linked statically (libc.a), into tmp."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'threads_fixture.c')
    out = os.path.join(tmp, 'threads_fixture-static')
    r = subprocess.run([os.environ.get('CC', 'cc'), '-O1', '-static', '-o', out, src,
                        '-pthread', '-ldl'], capture_output=True, text=True)
    if r.returncode:
        mt.skip('the fixture does not link statically (libc.a): %s' % r.stderr.strip()[-300:])
    return out


def suite_fixture(root, tmp):
    """The fixture built against the glibc unpacked in root into tmp, and
    its version."""
    suite = os.path.basename(root.rstrip('/'))
    libdir = None
    for d in ('usr/lib/x86_64-linux-gnu', 'lib/x86_64-linux-gnu'):
        if os.path.exists(os.path.join(root, d, 'ld-linux-x86-64.so.2')):
            libdir = os.path.join(root, d)
    if not libdir:
        mt.skip('%s: no glibc of %s unpacked (run scripts/fetch-suites)' % (root, suite))
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'threads_fixture.c')
    out = os.path.join(tmp, 'threads_fixture-' + suite)
    cmd = [os.environ.get('CC', 'cc'), '-O1', '-o', out, src, '-pthread', '-ldl',
           '-Wl,--dynamic-linker=' + os.path.join(libdir, 'ld-linux-x86-64.so.2'),
           '-Wl,-rpath=' + libdir]
    # An older glibc than the system's: compile with its headers and link
    # against its own crt files and libraries (libc6-dev), or the program
    # asks for symbols it lacks; the kernel's headers stay the system's.
    dev = os.path.join(root, 'usr/lib/x86_64-linux-gnu')
    if os.path.exists(os.path.join(dev, 'crt1.o')):
        # Its libc.so script and .so links name the system's absolute
        # paths: a directory of our own that names the unpacked ones.
        link = os.path.join(tmp, 'link')
        os.makedirs(link)
        with open(os.path.join(link, 'libc.so'), 'w') as f:
            f.write('GROUP ( %s %s AS_NEEDED ( %s ) )\n' % (
                os.path.join(libdir, 'libc.so.6'), os.path.join(dev, 'libc_nonshared.a'),
                os.path.join(libdir, 'ld-linux-x86-64.so.2')))
        for lib in ('libpthread', 'libdl'):
            os.symlink(os.path.join(libdir, lib + '.so.' + ('0' if lib == 'libpthread' else '2')),
                       os.path.join(link, lib + '.so'))
        cmd[1:1] = ['-B', dev + '/', '-L', link, '-nostdinc',
                    '-isystem', os.path.join(root, 'usr/include/x86_64-linux-gnu'),
                    '-isystem', os.path.join(root, 'usr/include')] + \
            ['-isystem' + d for d in gcc_include_dirs()] + \
            ['-idirafter', '/usr/include', '-idirafter', '/usr/include/x86_64-linux-gnu']
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        mt.skip('%s: the fixture does not link against it: %s' % (suite, r.stderr.strip()[-300:]))
    with open(os.path.join(libdir, 'libc.so.6'), 'rb') as f:
        m = re.search(rb'release version (2\.[0-9]+)', f.read())
    return out, m.group(1).decode() if m else '?'


def region_at(snap, addr):
    m = mt.mapping_at(snap, addr)
    if not m:
        return None
    for r in m['regions']:
        if mt.h(r['start']) <= addr < mt.h(r['end']):
            return r
    return None


def check_range(t, snap, start, end, labels, what, exact_edges=True):
    """[start, end) carries labels; with exact_edges the labelled run starts
    at start and ends at end (the labeller did not spill into neighbours)."""
    labels = {labels} if isinstance(labels, str) else set(labels)
    rs = mt.check_labels_at(t, snap, start, end, labels, what)
    if not exact_edges or not rs:
        return rs
    first, last = region_at(snap, start), region_at(snap, end - 1)
    before, after = region_at(snap, start - 1), region_at(snap, end)
    if first and before and before['label'] == first['label'] and \
            mt.h(before['end']) == start and \
            before.get('detail') == first.get('detail'):
        t.fail('%s: label %s continues below %#x' % (what, first['label'], start))
    if last and after and after['label'] == last['label'] and \
            mt.h(after['start']) == end and \
            after.get('detail') == last.get('detail'):
        t.fail('%s: label %s continues above %#x' % (what, last['label'], end))
    return rs


def task_comm(pid, tid):
    with open('/proc/%d/task/%d/comm' % (pid, tid)) as f:
        return f.read().rstrip('\n')


def copy_tree(pid, root):
    """Copies what memmap reads of /proc/PID to root/PID: smaps, status,
    comm, limits, maps, the exe link, task/TID/{comm,stat,syscall,status}."""
    d = os.path.join(root, str(pid))
    os.makedirs(d)
    for f in ('smaps', 'status', 'comm', 'limits', 'maps'):
        shutil.copy('/proc/%d/%s' % (pid, f), os.path.join(d, f))
    os.symlink(os.readlink('/proc/%d/exe' % pid), os.path.join(d, 'exe'))
    for tid in os.listdir('/proc/%d/task' % pid):
        td = os.path.join(d, 'task', tid)
        os.makedirs(td)
        for f in ('comm', 'stat', 'syscall', 'status'):
            try:
                shutil.copy('/proc/%d/task/%s/%s' % (pid, tid, f), td)
            except OSError:
                pass
    return d


def rewrite_task_files(pid, root, threads):
    """For the formats mode: the 256 KiB thread's syscall file says "-1 SP
    PC" (blocked outside a syscall), the 1 MiB thread's says "running" with
    its SP in stat's kstkesp (field 29), and the default-sized thread's says
    "running" with kstkesp 0.  Returns the last one's tid."""
    lost = None
    for _, tid, _, _, size, _, user in threads:
        tdir = os.path.join(root, str(pid), 'task', tid)
        with open(os.path.join(tdir, 'syscall')) as f:
            fields = f.read().split()
        sp, pc = fields[-2], fields[-1]
        with open(os.path.join(tdir, 'stat')) as f:
            stat = f.read()
        head, _, rest = stat.rpartition(') ')
        rest = rest.split(' ')
        if size == '262144':
            syscall = '-1 %s %s\n' % (sp, pc)
        elif size == '1048576':
            syscall = 'running\n'
            rest[26] = str(int(sp, 16))
        elif size == '8388608' and user == '0' and lost is None:
            syscall = 'running\n'
            rest[26] = '0'
            lost = int(tid)
        else:
            continue
        with open(os.path.join(tdir, 'syscall'), 'w') as f:
            f.write(syscall)
        with open(os.path.join(tdir, 'stat'), 'w') as f:
            f.write(head + ') ' + ' '.join(rest))
    return lost


def coverage_from_regions(snap):
    vsz = rss = cvsz = crss = 0
    for m in snap['mappings']:
        for r in m['regions']:
            vsz += r['vsz']
            rss += r['rss']
            if r['label'] != 'anon':
                cvsz += r['vsz']
                crss += r['rss']
    return (cvsz / vsz if vsz else 1.0), (crss / rss if rss else 1.0)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'mem'
    t = mt.Checker('threads-' + mode)
    fixture = os.path.join(os.environ.get('MEMMAP_BUILD', '.'), 'tests',
                           'threads', 'threads_fixture')
    if not os.access(fixture, os.X_OK):
        mt.die('%s: not built' % fixture)
    if mode not in ('mem', 'nomem', 'captured', 'formats'):
        mt.die('unknown mode %r' % mode)
    mem = mode == 'mem'
    tmp = root = tempfile.mkdtemp(prefix='memmap-threads-')
    global GUARD_BY_MADVISE, HEAPS_MERGE, STATIC
    try:
        if len(sys.argv) > 2 and sys.argv[2] == 'static':
            fixture = static_fixture(tmp)
            STATIC = True
            root = os.path.join(root, 'proc')
            os.makedirs(root)
        elif len(sys.argv) > 2:
            fixture, version = suite_fixture(sys.argv[2], tmp)
            t.note('glibc %s from %s' % (version, sys.argv[2]))
            # 2.42+ guards with MADV_GUARD_INSTALL inside the stack mapping.
            GUARD_BY_MADVISE = [int(x) for x in version.split('.')] >= [2, 42]
            # 2.41+ maps heaps without MAP_NORESERVE: a neighbour merges.
            HEAPS_MERGE = [int(x) for x in version.split('.')] >= [2, 41]
            root = os.path.join(root, 'proc')
            os.makedirs(root)
        env = None
        if len(sys.argv) > 3 and sys.argv[3] == 'stripped-pthread':
            env = stripped_pthread(sys.argv[2], tmp)
        with mt.Fixture([fixture], env=env) as fx:
            check_fixture(t, fx, mode, root)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


def stripped_pthread(root, tmp):
    """Before 2.34 the thread lists are found in libpthread's .symtab; with
    it stripped (strip keeps the build-id), the table's build-id row is
    the way left.  The environment that loads such a copy first."""
    lib = None
    for d in ('lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu'):
        p = os.path.join(root, d, 'libpthread.so.0')
        if os.path.exists(p):
            lib = p
    if not lib:
        mt.skip('%s: no libpthread.so.0 (a glibc before 2.34)' % root)
    d = os.path.join(tmp, 'stripped')
    os.makedirs(d)
    subprocess.run(['strip', '-o', os.path.join(d, 'libpthread.so.0'), lib], check=True)
    r = subprocess.run(['readelf', '-S', '-n', os.path.join(d, 'libpthread.so.0')],
                       capture_output=True, text=True)
    if '.symtab' in r.stdout or 'Build ID' not in r.stdout:
        mt.die('strip: %s keeps its .symtab or lost its build-id' % lib)
    return {'LD_LIBRARY_PATH': d}


# Guards inside the stack mappings: without the memory (--no-mem) nothing
# tells the stacks of one merged mapping apart.
GUARD_BY_MADVISE = False
# A static program: no loader, its main thread's TLS in the brk heap.
STATIC = False
# Arena heaps mapped with the flags of a plain anonymous mapping.
HEAPS_MERGE = False


def kernel_marks_guards():
    """Whether pagemap has PM_GUARD_REGION (bit 58): Linux 6.15 and later."""
    m = re.match(r'(\d+)\.(\d+)', os.uname().release)
    return bool(m) and (int(m.group(1)), int(m.group(2))) >= (6, 15)


def check_fixture(t, fx, mode, root):
    pid = fx.pid
    mem = mode == 'mem'
    if mode == 'nomem':
        rc, _, err = mt.run_memmap('--no-mem', '--summary', pid)
        if rc == 64:
            mt.skip('memmap has no --no-mem option yet: %s' % err.strip())
        args = ['--no-mem', pid]
    elif mode in ('captured', 'formats'):
        copy_tree(pid, root)
        args = ['--proc-root', root, pid]
    else:
        args = [pid]
    threads = [l for l in fx.lines if l[0] == 'thread']
    lost = rewrite_task_files(pid, root, threads) if mode == 'formats' else None
    before = mt.proc_status(pid)
    snap, rc, err = mt.memmap_json(*args)
    t.eq(rc, 0, 'memmap exit code (stderr: %s)' % err.strip())
    # Reading the target must not change it: no page faulted in, no page
    # table made (the fixture itself sits in pause()).
    after = mt.proc_status(pid)
    for k in ('VmRSS', 'VmPTE', 'VmSize'):
        t.eq(after.get(k), before.get(k), '%s after memmap' % k)
    if mode in ('captured', 'formats'):
        mt.check_sorted(t, snap)
        mt.check_tiling(t, snap)
        mt.check_categories(t, snap)
    else:
        mt.check_snapshot(t, snap, pid)

    t.eq(len(threads), 5, 'threads the fixture reported')
    for _, tid, name, low, size, guard, user in threads:
        tid, low, size, guard = int(tid), mt.h(low), int(size), int(guard)
        comm = task_comm(pid, tid)
        if name != '-':
            t.eq(comm, name, 'thread %d comm' % tid)
        what = 'thread %d (%s) stack' % (tid, comm)
        # pagemap's guard bit (Linux 6.15+) delimits them without memory.
        if GUARD_BY_MADVISE and mode == 'nomem' and (user == '1' or not kernel_marks_guards()):
            check_range(t, snap, low, low + size, {'thread.stack', 'anon'},
                        what, exact_edges=False)
            check_range(t, snap, low - guard, low, {'thread.guard', 'anon'},
                        'thread %d guard' % tid, exact_edges=False)
            continue
        if user == '1' and not mem:
            # Merged with a malloc chunk: only memory tells them apart.
            check_range(t, snap, low, low + size, {'thread.stack', 'anon'},
                        what, exact_edges=False)
            continue
        if tid == lost:
            # No stack pointer: found by shape or not at all.
            check_range(t, snap, low, low + size, {'thread.stack', 'anon'},
                        what, exact_edges=False)
            check_range(t, snap, low - guard, low, {'thread.guard', 'anon'},
                        'thread %d guard' % tid, exact_edges=False)
            continue
        rs = check_range(t, snap, low, low + size, 'thread.stack', what)
        for _, r in rs:
            t.eq(r.get('detail'), 'tid %d %s' % (tid, comm), what + ' detail')
        if guard:
            check_range(t, snap, low - guard, low, 'thread.guard',
                        'thread %d guard' % tid)

    if lost is not None:
        # Without a stack pointer a thread's stack is found by its default
        # size and one-page guard, while threads remain unplaced (here it
        # and the user-stack one): its own stack or the cached one, both of
        # that shape, and nothing else.
        default = [(mt.h(l[3]), mt.h(l[3]) + int(l[4])) for l in threads
                   if int(l[1]) == lost]
        default += [(mt.h(l[2]), mt.h(l[2]) + int(l[3])) for l in fx.lines
                    if l[0] == 'exited']
        shaped = [(mt.h(r['start']), mt.h(r['end']))
                  for m in snap['mappings'] for r in m['regions']
                  if r['label'] == 'thread.stack' and
                  r.get('detail') == 'thread (tid unknown)']
        t.check(1 <= len(shaped) <= 2, 'stacks labelled by shape alone: %d' %
                len(shaped))
        for rng in shaped:
            t.check(rng in default, 'stack by shape %#x-%#x is neither the '
                    'running thread\'s nor the cached one' % rng)

    # A joined thread's stack stays in glibc's cache for reuse.
    for _, tid, low, size, guard in (l for l in fx.lines if l[0] == 'exited'):
        low, size, guard = mt.h(low), int(size), int(guard)
        what = 'cached stack of exited thread %s' % tid
        rs = check_range(t, snap, low, low + size,
                         'thread.stack' if mem else {'thread.stack', 'anon'},
                         what, exact_edges=mem)
        for _, r in rs:
            if mem:
                t.eq(r.get('detail'), 'unused (cached) stack', what + ' detail')
        if guard:
            check_range(t, snap, low - guard, low,
                        'thread.guard' if mem else {'thread.guard', 'anon'},
                        what + ' guard', exact_edges=mem)

    # Each thread's first malloc made its own arena: the HEAP_MAX block
    # holding the pointer.  The main thread's is the brk heap.
    for _, tid, ptr in (l for l in fx.lines if l[0] == 'small'):
        ptr = mt.h(ptr)
        if int(tid) == pid:
            check_range(t, snap, ptr, ptr + 1, 'heap', 'main-thread malloc',
                        exact_edges=False)
            continue
        block = ptr & ~(HEAP_MAX - 1)
        check_range(t, snap, block, block + HEAP_MAX, 'glibc.arena',
                    'arena of thread %s' % tid)

    # A mapping the kernel merged with a heap from below stays the
    # program's: the heap inside it is still found (checked above).
    for _, addr, size in (l for l in fx.lines if l[0] == 'below'):
        if HEAPS_MERGE:
            ends = [m['end'] for m in mt.proc_maps(pid)
                    if m['start'] <= mt.h(addr) < m['end']]
            t.check(ends and ends[0] > mt.h(addr) + int(size),
                    'the kernel merged the mapping below an arena heap with it')
        check_range(t, snap, mt.h(addr), mt.h(addr) + int(size), 'anon',
                    'the mapping right below an arena heap', exact_edges=False)

    # The thread whose arena outgrew HEAP_MAX got a second heap for it.
    for _, tid, ptr in (l for l in fx.lines if l[0] == 'spill'):
        block = mt.h(ptr) & ~(HEAP_MAX - 1)
        what = 'second heap of the arena of thread %s' % tid
        for _, r in check_range(t, snap, block, block + HEAP_MAX,
                                'glibc.arena', what):
            if mem:
                t.check('extra heap %#x' % block in (r.get('detail') or ''),
                        '%s: detail %r' % (what, r.get('detail')))

    # Large mallocs: the chunk header sits 16 bytes before the pointer at
    # the start of its own mmap; the chunk is the request rounded up.
    for _, tid, ptr, size in (l for l in fx.lines if l[0] == 'large'):
        ptr, size = mt.h(ptr), int(size)
        chunk = ptr - 16
        end = chunk + (size + 16 + 4095) // 4096 * 4096
        what = 'malloc(%d) by %s at %#x' % (size, tid, ptr)
        if mem:
            check_range(t, snap, chunk, end, 'glibc.mmap-chunk', what)
        else:
            check_range(t, snap, chunk, end, {'glibc.mmap-chunk', 'anon'},
                        what, exact_edges=False)

    addr, size = fx.info['memfd']
    check_range(t, snap, mt.h(addr), mt.h(addr) + int(size), 'shmem', 'memfd',
                exact_edges=False)

    tcb, var = (mt.h(x) for x in fx.info['tls'])
    tls_labels = 'ld.tls' if mem else {'ld.tls', 'anon'}
    if STATIC:
        tls_labels = 'heap'
        fx.info.pop('linkmap', None)
    check_range(t, snap, tcb, tcb + 1, tls_labels, 'main thread TCB',
                exact_edges=False)
    check_range(t, snap, var, var + 4, tls_labels, 'main thread __thread var',
                exact_edges=False)
    if 'linkmap' in fx.info:
        lm = mt.h(fx.info['linkmap'][0])
        check_range(t, snap, lm, lm + 1, 'ld.malloc' if mem else {'ld.malloc', 'anon'},
                    'link_map of %s' % fx.info['linkmap'][1], exact_edges=False)

    cv, cr = coverage_from_regions(snap)
    cov = snap.get('coverage') or {}
    t.check(abs(cov.get('vsz', -1) - cv) < 1e-3,
            'coverage.vsz %r vs regions %.4f' % (cov.get('vsz'), cv))
    t.check(abs(cov.get('rss', -1) - cr) < 1e-3,
            'coverage.rss %r vs regions %.4f' % (cov.get('rss'), cr))
    t.note('coverage: %.2f%% of VSZ, %.2f%% of RSS' % (100 * cv, 100 * cr))
    if mem:
        t.check(cv >= 0.99, 'coverage of VSZ %.4f < 0.99' % cv)
        t.check(cr >= 0.99, 'coverage of RSS %.4f < 0.99' % cr)


if __name__ == '__main__':
    main()
