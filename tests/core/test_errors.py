#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""core: what memmap does with targets it cannot read, names, and bad
usage: documented exit codes (2 target unreadable, 64 usage) and one line
on stderr naming the target."""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402


def one_line(t, err, what, mention=None):
    lines = err.strip('\n').split('\n')
    t.check(len(lines) == 1 and lines[0].strip(),
            '%s: stderr should be one line, got %r' % (what, err))
    t.check(err.startswith('memmap: '), '%s: stderr %r does not start with '
            '"memmap: "' % (what, err))
    if mention is not None:
        t.check(str(mention) in err, '%s: stderr %r does not name %s' %
                (what, err, mention))


def free_pid():
    with open('/proc/sys/kernel/pid_max') as f:
        pid = int(f.read()) - 1
    while os.path.exists('/proc/%d' % pid):
        pid -= 1
    return pid


def kernel_thread():
    """PID 2 when it is kthreadd, else any kernel thread, else None."""
    def is_kthread(pid):
        try:
            st = mt.proc_status(pid)
        except OSError:
            return False
        if 'Kthread' in st:
            return st['Kthread'] == '1'
        return int(st.get('PPid', -1)) == 2 or st.get('Name') == 'kthreadd'
    if is_kthread(2):
        return 2
    for d in os.listdir('/proc'):
        if d.isdigit() and is_kthread(int(d)):
            return int(d)
    return None


def main():
    t = mt.Checker('core-errors')

    pid = free_pid()
    rc, out, err = mt.run_memmap(pid)
    t.eq(rc, 2, 'missing pid %d: exit code' % pid)
    t.eq(out, '', 'missing pid: stdout')
    one_line(t, err, 'missing pid', pid)
    rc, out, err = mt.run_memmap('-J', pid)
    t.eq(rc, 2, 'missing pid -J: exit code')
    t.eq(out, '', 'missing pid -J: stdout')

    kt = kernel_thread()
    if kt is None:
        t.note('no kernel thread visible here: kernel-thread case not run')
    else:
        rc, out, err = mt.run_memmap(kt)
        t.eq(rc, 2, 'kernel thread %d: exit code' % kt)
        one_line(t, err, 'kernel thread', kt)

    # Several PIDs are the process list now (tests/fleet); --address still
    # takes one process.
    for args in (['--no-such-option', '1'], ['-Z', '1'], [], ['--address', '1000', '1', '2'],
                 ['--color=sometimes', '1'], ['-o', 'NOSUCHCOLUMN', '1']):
        rc, out, err = mt.run_memmap(*args)
        t.eq(rc, 64, 'usage %r: exit code (stderr %r)' % (args, err))
        t.check(err.strip() != '', 'usage %r: nothing on stderr' % (args,))

    # A zombie: a child that has exited and is not reaped yet.
    child = os.fork()
    if child == 0:
        os._exit(0)
    try:
        deadline = time.monotonic() + 10
        while mt.proc_status(child).get('State', '')[:1] != 'Z':
            if time.monotonic() > deadline:
                mt.die('child %d never became a zombie' % child)
            time.sleep(0.02)
        rc, out, err = mt.run_memmap(child)
        t.eq(rc, 2, 'zombie %d: exit code' % child)
        one_line(t, err, 'zombie', child)
    finally:
        os.waitpid(child, 0)

    # Names: the factory started under a name no other process has.
    factory = os.environ.get('MEMMAP_FACTORY') or mt.die('MEMMAP_FACTORY unset')
    with tempfile.TemporaryDirectory() as d:
        name = 'mmt%d' % (os.getpid() % 10**9)
        link = os.path.join(d, name)
        os.symlink(os.path.realpath(factory), link)
        with mt.Fixture([link]) as fx:
            t.eq(mt.proc_status(fx.pid)['Name'], name, 'fixture comm')
            rc, out, err = mt.run_memmap('-J', name)
            t.eq(rc, 0, 'name %s: exit code (stderr %r)' % (name, err))
            if rc == 0:
                snap, _, _ = mt.memmap_json(name)
                t.eq(snap['pid'], fx.pid, 'name %s: pid' % name)
            with mt.Fixture([link]) as fx2:
                rc, out, err = mt.run_memmap(name)
                t.check(rc != 0, 'name %s matching pids %d and %d: exit 0' %
                        (name, fx.pid, fx2.pid))
                t.eq(out, '', 'ambiguous name: stdout')
                one_line(t, err, 'ambiguous name', name)

    rc, out, err = mt.run_memmap('memmap-no-such-process')
    t.eq(rc, 2, 'unknown name: exit code')
    one_line(t, err, 'unknown name', 'memmap-no-such-process')

    t.done()


if __name__ == '__main__':
    main()
