#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""reliability: a snapshot is of one process, alive from start to end.

memmap reads the start time (stat field 22), the exe's device and inode and
the new-image addresses of stat before and after reading; a change is
"exited" or "exec'd", exit 2.  To catch memmap in the middle of a read, the
target maps a file from a FUSE server (tests/fixtures/fuse_stall.c) that is
told to hold its answers while memmap, with --open-remote, opens that file.

  zombie       the target is killed while memmap waits (a zombie, not yet
               reaped): exit 2, "exited while being read"
  exec         the target execs /bin/sleep while memmap waits: exit 2,
               "exec'd another program while being read"
  watch-exec   --watch, the target execs between samples: exit 2, "exec'd"
  watch-reuse  --watch in a PID namespace of its own, the target dies and
               another process is started under its PID (ns_last_pid):
               exit 2, "the PID now belongs to another process"

usage: test_liveness.py [zombie|exec|watch-exec|watch-reuse|all]"""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

# Maps argv[1] (when given) and touches it; execs sleep on SIGUSR1.
TARGET = r'''
import mmap, os, signal, sys, time
def ex(*a):
    os.execv('/bin/sleep', ['sleep', '1000'])
signal.signal(signal.SIGUSR1, ex)
keep = None
if len(sys.argv) > 1:
    f = open(sys.argv[1], 'rb')
    keep = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
    sum(keep[i] for i in range(0, len(keep), 4096))
    f.close()
print('pid', os.getpid(), flush=True)
print('ready', flush=True)
while True:
    time.sleep(100)
'''


def need_fuse():
    if os.geteuid() != 0:
        mt.skip('mounting FUSE on raw /dev/fuse needs root')
    if not os.path.exists('/dev/fuse'):
        subprocess.run(['modprobe', 'fuse'], capture_output=True)
    if not os.path.exists('/dev/fuse'):
        mt.skip('no /dev/fuse (modprobe fuse failed)')
    server = os.environ.get('MEMMAP_FUSE_STALL')
    if not server:
        mt.die('MEMMAP_FUSE_STALL is not set')
    return server


def mid_read(t, what, change, want):
    """Starts memmap --open-remote on a target whose file's server holds
    its answers, calls change(target Popen) while memmap waits, lets the
    server answer, and checks exit 2 and want on stderr."""
    server = need_fuse()
    mnt = tempfile.mkdtemp(prefix='memmap-live.')
    memmap = target = None
    try:
        with mt.Fixture([server, mnt, '--serve']) as srv:
            if 'nofuse' in srv.info:
                mt.skip('cannot mount FUSE here: ' + ' '.join(srv.info['nofuse']))
            target = subprocess.Popen([sys.executable, '-c', TARGET,
                                       os.path.join(mnt, 'file')],
                                      stdout=subprocess.PIPE, text=True)
            for line in target.stdout:
                if line.strip() == 'ready':
                    break
            os.kill(srv.pid, signal.SIGUSR1)	# hold every answer
            time.sleep(0.2)
            memmap = subprocess.Popen([mt.memmap_path(), '--open-remote', '-J',
                                       str(target.pid)], stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                memmap.wait(timeout=2)
                t.fail('%s: memmap did not wait for the server (exit %d): the '
                       'test cannot catch it mid-read' % (what, memmap.returncode))
                return
            except subprocess.TimeoutExpired:
                pass
            change(target)
            time.sleep(0.3)
            os.kill(srv.pid, signal.SIGUSR2)	# answer again
            try:
                out, err = memmap.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                t.fail('%s: memmap did not finish once the server answered' % what)
                return
            err = err.decode('utf-8', 'replace')
            t.eq(memmap.returncode, 2, '%s: exit code (stderr %r)' % (what, err))
            t.check(want in err, '%s: %r not in stderr %r' % (what, want, err))
            t.check(not out.strip(), '%s: a snapshot was printed: %r' %
                    (what, out[:200]))
    finally:
        subprocess.run(['umount', '-l', mnt], capture_output=True)
        for p in (memmap, target):
            if p is not None and p.poll() is None:
                p.kill()
            if p is not None:
                p.wait(timeout=10)
        if target is not None:
            target.stdout.close()
        try:
            os.rmdir(mnt)
        except OSError:
            pass


def zombie(t):
    def kill(target):
        target.send_signal(signal.SIGKILL)	# not reaped: a zombie
        time.sleep(0.2)
    mid_read(t, 'zombie', kill, 'the process exited while being read')


def execd(t):
    def ex(target):
        target.send_signal(signal.SIGUSR1)
        time.sleep(0.5)
    mid_read(t, 'exec', ex, "the process exec'd another program while being read")


def watch(args):
    return subprocess.Popen([mt.memmap_path(), '--watch', '0.2'] + [str(a) for a in args],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def first_line(p):
    line = p.stdout.readline()
    if not line.startswith(b'memmap --watch: first sample'):
        mt.die('--watch: first line %r' % line)


def finish(p, limit):
    """(rc, stderr) of a watch that should end by itself within limit s;
    rc None when it did not (then it is stopped with SIGINT).  Its output
    is drained meanwhile: a full pipe would hold it."""
    try:
        _, err = p.communicate(timeout=limit)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=10)
        rc = None
    return rc, err.decode('utf-8', 'replace')


def watch_exec(t):
    with mt.Fixture([sys.executable, '-c', TARGET]) as fx:
        w = watch([fx.pid])
        first_line(w)
        time.sleep(0.5)
        os.kill(fx.pid, signal.SIGUSR1)
        rc, err = finish(w, 5)
    t.eq(rc, 2, 'watch-exec: exit code (stderr %r)' % err)
    t.check("%d: the process exec'd another program" % fx.pid in err,
            'watch-exec: stderr %r' % err)


def watch_reuse_inner():
    """In a PID namespace of our own (pid 1): start sleep, watch it, kill
    it and start another sleep under the same PID.  Prints 'rc N', 'err ...'
    or 'inconclusive' (the watch saw the PID free in between)."""
    a = subprocess.Popen(['sleep', '1000'])
    w = watch([a.pid])
    first_line(w)
    time.sleep(0.3)
    a.kill()
    a.wait()
    with open('/proc/sys/kernel/ns_last_pid', 'w') as f:
        f.write(str(a.pid - 1))
    b = subprocess.Popen(['sleep', '1000'])
    try:
        if b.pid != a.pid:
            print('inconclusive: pid %d, not %d' % (b.pid, a.pid))
            w.kill()
            return
        rc, err = finish(w, 5)
        if rc == 0 and err.strip().endswith('the process exited'):
            print('inconclusive: a sample fell between the two')
            return
        print('rc', rc)
        print('err', err.replace('\n', ' '))
    finally:
        b.kill()
        b.wait()


def watch_reuse(t):
    if os.geteuid() != 0:
        mt.skip('a PID namespace and ns_last_pid need root')
    for attempt in range(3):
        r = subprocess.run(['unshare', '--pid', '--fork', '--mount-proc',
                            sys.executable, os.path.abspath(__file__),
                            'watch-reuse-inner'], capture_output=True,
                           text=True, timeout=60)
        if r.returncode != 0 and 'unshare' in r.stderr:
            mt.skip('unshare --pid: %s' % r.stderr.strip())
        if 'inconclusive' in r.stdout:
            t.note(r.stdout.strip())
            continue
        rc = [ln.split()[1] for ln in r.stdout.splitlines() if ln.startswith('rc ')]
        t.eq(rc, ['2'], 'watch-reuse: exit code (%r %r)' % (r.stdout, r.stderr))
        t.check('the PID now belongs to another process' in r.stdout,
                'watch-reuse: message (%r)' % r.stdout)
        return
    t.fail('watch-reuse: inconclusive three times')


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else 'all'
    if which == 'watch-reuse-inner':
        watch_reuse_inner()
        return
    t = mt.Checker('reliability-liveness-' + which)
    for name, fn in (('zombie', zombie), ('exec', execd),
                     ('watch-exec', watch_exec), ('watch-reuse', watch_reuse)):
        if which in (name, 'all'):
            fn(t)
    t.done()


if __name__ == '__main__':
    main()
