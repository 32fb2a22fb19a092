#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""reliability: memmap never opens a mapped file on a network or user-space
file system (FUSE, NFS, CIFS...) unless --open-remote: a server that stopped
answering would leave it waiting in the kernel for good.

  fuse      a FUSE server (tests/fixtures/fuse_stall.c, raw /dev/fuse) that
            maps its own file and then stops answering: memmap finishes in
            under 5 s with exit 1, the mapping labelled `file` and one
            warning; with --open-remote (what memmap did before the rule) it
            is still waiting after 3 s, in D state even after SIGKILL,
            until the server dies
  captured  a captured /proc tree whose mountinfo puts a real ELF library
            on fuse.sshfs, nfs4 and cifs: `file` and one warning per type;
            on ext4, or with --open-remote, the library's sections

usage: test_remote.py [fuse|captured|all]"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402


def proc_state(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except OSError:
        return 'gone'


def fuse(t):
    server = os.environ.get('MEMMAP_FUSE_STALL')
    if not server:
        mt.die('MEMMAP_FUSE_STALL is not set')
    if os.geteuid() != 0:
        mt.skip('mounting FUSE on raw /dev/fuse needs root')
    if not os.path.exists('/dev/fuse'):
        subprocess.run(['modprobe', 'fuse'], capture_output=True)
    if not os.path.exists('/dev/fuse'):
        mt.skip('no /dev/fuse (modprobe fuse failed)')
    mnt = tempfile.mkdtemp(prefix='memmap-fuse.')
    waiting = []	# memmaps the stalled server holds: freed by its death
    try:
        with mt.Fixture([server, mnt]) as fx:
            if 'nofuse' in fx.info:
                mt.skip('cannot mount FUSE here: ' + ' '.join(fx.info['nofuse']))
            check_stalled(t, fx, waiting)
    finally:
        # The server's death (the Fixture killed it) aborted the connection
        # and freed any waiter; the mount, answering only ENOTCONN now, goes.
        subprocess.run(['umount', '-l', mnt], capture_output=True)
        for p in waiting:
            if p.poll() is None:
                p.kill()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                t.fail('fuse: memmap %d still alive after the server died' % p.pid)
        try:
            os.rmdir(mnt)
        except OSError:
            pass


def bounded(waiting, args, limit):
    return mt.run_bounded(waiting, args, limit)


def check_stalled(t, fx, waiting):
    s, e = fx.range('mapping')
    note = '1 mapping on fuse not opened; --open-remote to read them'
    rc, out, err, took = bounded(waiting, ['-J', fx.pid], 10)
    if not t.check(rc is not None and took < 5,
                   'fuse: memmap still waiting after %.1f s: a stalled '
                   'server must not hold it' % took):
        return
    t.eq(rc, 1, 'fuse: exit code (stderr %r)' % err)
    snap = json.loads(out)
    mt.check_snapshot(t, snap, fx.pid)
    mt.check_labels_at(t, snap, s, e, 'file', 'fuse: the mapped file')
    t.check(note in snap['warnings'], 'fuse: warning %r not in %r' %
            (note, snap['warnings']))
    t.check(note in err, 'fuse: warning not on stderr: %r' % err)
    rc, out, err, took = bounded(waiting, [fx.pid], 10)
    t.check(rc == 1 and 'file' in out and note in err and took < 5,
            'fuse: the table: exit %s in %.1f s, stderr %r' % (rc, took, err))

    # What memmap did before: open the file and wait for an answer.  Once
    # the server has read the request, not even SIGKILL ends that wait
    # (fuse's request_wait_answer): only the server's end does.
    rc, _, _, _ = bounded(waiting, ['--open-remote', '-J', fx.pid], 3)
    t.check(rc is None, 'fuse: --open-remote finished (exit %s) although the '
            'server never answers: is the fixture stalled?' % rc)
    if rc is None:
        time.sleep(0.5)
        t.note('--open-remote still waiting after 3 s and SIGKILL: state %s'
               % proc_state(waiting[-1].pid))


def write_tree(root, lib, fstype, mapped):
    """A captured /proc/4242 whose one mapping is lib's first PT_LOAD, on a
    device mountinfo calls fstype."""
    st = os.stat(lib)
    major, minor = os.major(st.st_dev), os.minor(st.st_dev)
    d = os.path.join(root, '4242')
    os.makedirs(d, exist_ok=True)
    start, end = mapped
    size_kb = (end - start) // 1024
    with open(os.path.join(d, 'smaps'), 'w') as f:
        f.write('%x-%x r--p 00000000 %02x:%02x %d %s\n' %
                (start, end, major, minor, st.st_ino, lib))
        f.write('Size: %d kB\nKernelPageSize: 4 kB\nMMUPageSize: 4 kB\n'
                'Rss: 0 kB\nVmFlags: rd mr mw me\n' % size_kb)
    with open(os.path.join(d, 'comm'), 'w') as f:
        f.write('captured\n')
    with open(os.path.join(d, 'mountinfo'), 'w') as f:
        f.write('22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n')
        f.write('45 22 %d:%d / %s rw,nosuid,nodev shared:7 - %s srv:/x rw\n' %
                (major, minor, os.path.dirname(lib), fstype))


def captured(t):
    lib = os.environ.get('MEMMAP_FIXTURE_LIB')
    if not lib:
        mt.die('MEMMAP_FIXTURE_LIB is not set')
    seg = [s for s in mt.readelf_segments(lib) if s['type'] == 'LOAD'][0]
    start = 0x7f0000000000
    end = start + ((seg['filesz'] + 4095) & ~4095)
    with tempfile.TemporaryDirectory(prefix='memmap-remote.') as d:
        copy = os.path.join(d, 'libremote.so')
        shutil.copy(lib, copy)
        for fstype, remote in (('fuse.sshfs', True), ('nfs4', True),
                               ('cifs', True), ('ext4', False)):
            root = os.path.join(d, fstype)
            write_tree(root, copy, fstype, (start, end))
            for args in ([], ['--open-remote']):
                what = 'captured %s %s' % (fstype, ' '.join(args))
                snap, rc, err = mt.memmap_json('--proc-root', root, *args,
                                               '4242')
                m = mt.mapping_at(snap, start)
                labels = [r['label'] for r in m['regions']] if m else []
                note = ('1 mapping on %s not opened; --open-remote to read '
                        'them' % fstype)
                if remote and not args:
                    t.eq(labels, ['file'], what + ': labels')
                    t.eq(rc, 1, what + ': exit code')
                    t.eq(snap['warnings'], [note], what + ': warnings')
                else:
                    t.check(labels and 'file' not in labels and
                            all(lb.startswith('lib.') for lb in labels),
                            '%s: the library opened: labels %r' % (what, labels))
                    t.check(not any('not opened' in w for w in snap['warnings']),
                            '%s: warnings %r' % (what, snap['warnings']))


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else 'all'
    t = mt.Checker('reliability-remote-' + which)
    if which in ('captured', 'all'):
        captured(t)
    if which in ('fuse', 'all'):
        fuse(t)
    t.done()


if __name__ == '__main__':
    main()
